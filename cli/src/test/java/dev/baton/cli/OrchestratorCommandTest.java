package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OrchestratorCommandTest {
  private record Run(int exitCode, String out, String err) {}

  private static Run baton(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Baton.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void refusesAMasterListNamingAnAddressTwiceBeforeServing() {
    Run run = baton("orchestrator", "--domain", "frontend", "--master", "127.0.0.1:7233,127.0.0.1:7234,127.0.0.1:7233");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("baton: masterAddress: '127.0.0.1:7233,127.0.0.1:7234,127.0.0.1:7233' names an"
        + " address twice (expected: each master once)\n");
  }

  @Test
  void refusesABadPolicyFileInOneLineNamingFileLineAndField(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path policy = dir.resolve("policy.yaml");
    java.nio.file.Files.writeString(policy, "apiVersion: baton.dev/v1\nkind: DroidPolicy\nrunners: [sim, gpt]\n");

    Run run = baton("orchestrator", "--domain", "devops", "--master", "127.0.0.1:7233", "--policy", policy.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("baton: --policy: " + policy + ":3: runners: unknown runner 'gpt' (expected:"
        + " claude, codex, command, droid, scripted, sim)\n");
  }

  @Test
  void refusesAnUnknownContainmentNamingTheChoices() {
    Run run = baton("orchestrator", "--domain", "frontend", "--master", "127.0.0.1:7233", "--containment", "chroot");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(run.err()).isEqualTo("baton: containment: 'chroot' (expected one of [auto, pid-namespace, cgroup,"
        + " process-tree])\n");
  }

  @Test
  void documentsThatTheMasterMayBeAList() {
    Run run = baton("orchestrator", "--help");

    assertThat(run.out()).contains("--master=HOST:PORT[,HOST:PORT...]").contains("a standby names the leader");
  }
}

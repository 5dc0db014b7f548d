package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --master} and {@code --retry-for} as every client command takes them. */
class MasterOptionTest {
  private static MasterOption parsed(String... args) {
    CommandLine.ParseResult result = Baton.commandLine().parseArgs(args);
    Object command = result.subcommand().commandSpec().userObject();
    return ((StatusCommand) command).master;
  }

  private record Run(int exitCode, String err) {}

  private static Run run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = Baton.commandLine();
    cl.setErr(new PrintWriter(err, true));
    return new Run(cl.execute(args), err.toString());
  }

  @Test
  void repeatedAndCommaSeparatedMastersReplaceTheDefault() {
    MasterOption option = parsed("status", "p", "--master", "m1:7233", "--master", "m2:7233,m3:7233");

    assertThat(MasterAddresses.parse("--master", option.addresses))
        .containsExactly(new HostPort("m1", 7233), new HostPort("m2", 7233), new HostPort("m3", 7233));
    assertThat(RetryPolicy.parseRetryFor("--retry-for", option.retryFor)).hasSeconds(60);
  }

  @Test
  void withoutMasterTheDefaultAddressIsUsed() {
    assertThat(parsed("status", "p").addresses).containsAnyOf(MasterOption.DEFAULT_ADDRESS, System.getenv("BATON_MASTER"));
  }

  @Test
  void aBadAddressInTheListExitsTwoWithOneLineNamingIt() {
    for (String command : List.of("status", "watch", "cancel")) {
      Run run = run(command, "p", "--master", "127.0.0.1:7233,master-2");

      assertThat(run.exitCode()).as(command).isEqualTo(ExitCodes.INVALID_INPUT);
      assertThat(run.err().lines()).as(command).containsExactly(
          "baton: --master: 'master-2' (expected: host:port, e.g. 127.0.0.1:7233)");
    }
  }

  @Test
  void aBadRetryForExitsTwoWithOneLine() {
    Run run = run("list", "--retry-for", "forever");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(run.err().lines()).singleElement().asString()
        .startsWith("baton: --retry-for: 'forever' (expected: a duration like 30s");
  }
}

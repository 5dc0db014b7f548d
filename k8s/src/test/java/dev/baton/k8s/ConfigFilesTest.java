package dev.baton.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.cli.Baton;
import dev.baton.runtime.policy.PolicyParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The files the ConfigMaps carry are read by the CLI's own readers: a droid definition the
 * sub-orchestrator would refuse at start must fail here instead of in a crash-looping pod.
 */
class ConfigFilesTest {
  @Test
  void everyDomainsDroidDefinitionsValidate() {
    for (String domain : ManifestChecks.DOMAINS) {
      Path dir = Tools.k8sDir().resolve("base/config/droids/" + domain);
      assertThat(dir).isDirectory();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int exit = new CommandLine(new Baton()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
          .execute("droids", "validate", dir.toString());
      assertThat(exit).as("baton droids validate %s:\n%s%s", dir, out, err).isZero();
    }
  }

  @Test
  void thePolicyParses() {
    assertThat(PolicyParser.read(Tools.k8sDir().resolve("base/config/policy.yaml"))).isNotNull();
  }

  @Test
  void thePolicyIsTheExamplePolicy() throws Exception {
    // One policy for every domain (its `domains:` section narrows per domain): the example that
    // docs/security.md explains, so the two cannot drift apart unnoticed.
    assertThat(Files.readString(Tools.k8sDir().resolve("base/config/policy.yaml")))
        .isEqualTo(Files.readString(Tools.repoRoot().resolve("examples/policy.yaml")));
  }
}

package dev.baton.runtime.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyParserTest {
  private static final String HEAD = "apiVersion: baton.dev/v1\nkind: DroidPolicy\n";

  @Test
  void readsTheShippedExamples() {
    DomainPolicy backend = PolicyParser.read(Path.of("../examples/policy.yaml")).forDomain("backend");
    assertThat(backend.runners()).contains("claude", "command");
    assertThat(backend.maxAutonomy("submitter")).contains(Autonomy.MEDIUM);
    assertThat(backend.environment(Map.of("PATH", "/bin", "AWS_SECRET_ACCESS_KEY", "x")))
        .containsExactly(Map.entry("PATH", "/bin"), Map.entry("CI", "true"));
    DomainPolicy devops = PolicyParser.read(Path.of("../examples/policy.yaml")).forDomain("devops");
    assertThat(devops.maxAutonomy("submitter")).contains(Autonomy.LOW);
    assertThat(devops.maxAutonomy("admin")).as("other roles kept from the top level").contains(Autonomy.HIGH);

    DomainPolicy strict = PolicyParser.read(Path.of("../examples/policy-strict.yaml")).forDomain("devops");
    assertThat(strict.runners()).containsExactlyInAnyOrder("sim", "scripted", "command");
    assertThat(strict.network()).isFalse();
    assertThat(strict.maxAutonomy("submitter")).isEmpty();
    assertThat(strict.maxAutonomy("admin")).contains(Autonomy.READ_ONLY);
  }

  @Test
  void leavesOutFieldsStrict() {
    DomainPolicy p = PolicyParser.parse("p.yaml", HEAD).forDomain("backend");
    assertThat(p.runners()).containsExactly("sim");
    assertThat(p.run()).isEmpty();
    assertThat(p.verify()).isEmpty();
    assertThat(p.maxAutonomy()).isEmpty();
    assertThat(p.pass()).containsExactly("PATH", "HOME");
    assertThat(p.network()).isFalse();
  }

  @Test
  void builtInKeepsTodaysBehaviourButNotTheEnvironment() {
    DomainPolicy p = DroidPolicy.builtIn().forDomain("devops");
    assertThat(p.runners()).hasSize(6);
    assertThat(p.run()).singleElement().satisfies(c -> assertThat(c.matches("id > /tmp/x")).isTrue());
    assertThat(p.maxAutonomy("viewer")).contains(Autonomy.HIGH);
    assertThat(p.network()).isTrue();
    assertThat(p.environment(Map.of("PATH", "/bin", "ANTHROPIC_API_KEY", "k", "DATABASE_URL", "postgres://")))
        .containsOnlyKeys("PATH");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "runner: [sim]|p.yaml:3: runner: unknown field (expected one of: apiVersion, autonomy, commands, domains, environment, kind, network, runners)",
      "runners: [sim, gpt]|p.yaml:3: runners: unknown runner 'gpt' (expected: claude, codex, command, droid, scripted, sim)",
      "commands: {run: [{regex: 'a('}]}|p.yaml:3: commands.run[0].regex: not a regular expression: Unclosed group at index 2 (expected: a Java regex matching the whole command)",
      "commands: {run: [{exact: a, glob: b}]}|p.yaml:3: commands.run[0]: 2 keys (expected: exactly one of exact, glob, regex)",
      "autonomy: {submitter: yolo}|p.yaml:3: autonomy.submitter: unknown autonomy 'yolo' (expected: read-only, low, medium, high (Factory levels, Codex sandboxes and Claude permission modes are accepted too))",
      "autonomy: {root: high}|p.yaml:3: autonomy.root: unknown field (expected one of: admin, submitter, viewer)",
      "environment: {pass: [OPENAI_API_KEY]}|p.yaml:3: environment.pass: OPENAI_API_KEY looks like a secret (expected: API keys reach agents only from the sub-orchestrator's environment or --secrets DIR, never through the policy's environment)",
      "network: maybe|p.yaml:3: network: 'maybe' (expected: true or false)",
      "domains: {payments: {network: true}}|p.yaml:3: domains.payments: unknown field (expected one of: backend, devops, frontend, testing)",
  })
  void refusesBadFilesNamingLineFieldAndFix(String line, String message) {
    assertThatThrownBy(() -> PolicyParser.parse("p.yaml", HEAD + line + "\n")).isInstanceOf(PolicyException.class)
        .hasMessage(message);
  }

  @Test
  void refusesAnchorsAndAWrongKind() {
    assertThatThrownBy(() -> PolicyParser.parse("p.yaml", HEAD + "runners: &r [sim]\ndomains: {devops: {runners: *r}}\n"))
        .hasMessageContaining("p.yaml:3: runners: an anchor or alias");
    assertThatThrownBy(() -> PolicyParser.parse("p.yaml", "apiVersion: baton.dev/v1\nkind: Plan\n"))
        .hasMessage("p.yaml:2: kind: 'Plan' (expected: DroidPolicy)");
    assertThatThrownBy(() -> PolicyParser.read(Path.of("no-such-policy.yaml")))
        .hasMessageContaining("no-such-policy.yaml: no such file");
  }

  @Test
  void domainSectionsOverrideFieldByField() {
    DroidPolicy p = PolicyParser.parse("p.yaml", HEAD + "runners: [sim, command]\nnetwork: true\n"
        + "domains:\n  devops:\n    network: false\n    commands: {run: [{glob: 'terraform *'}]}\n");
    assertThat(p.forDomain("devops").network()).isFalse();
    assertThat(p.forDomain("devops").runners()).containsExactlyInAnyOrder("sim", "command");
    assertThat(p.forDomain("devops").run()).extracting(CommandPattern::toString).containsExactly("glob 'terraform *'");
    assertThat(p.forDomain("backend").network()).isTrue();
    assertThat(p.forDomain("backend").run()).isEqualTo(List.of());
  }
}

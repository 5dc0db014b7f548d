package dev.baton.runtime.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyCheckTest {
  private static final DomainPolicy POLICY = PolicyParser.parse("p.yaml", """
      apiVersion: baton.dev/v1
      kind: DroidPolicy
      runners: [sim, command, claude, codex]
      commands:
        run: [{exact: npm test}, {glob: "npm run *"}, {regex: "make (build|test)"}]
        verify: [{exact: npm test}]
      autonomy: {viewer: read-only, submitter: low, admin: high}
      """).forDomain("backend");

  private static PolicyCheck.Ask ask(String runner, Autonomy autonomy, String role, String run) {
    return new PolicyCheck.Ask(runner, Optional.ofNullable(autonomy), role, run, "", List.of());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "npm test|true", "'npm test '|false", "npm test; id|false", "npm run lint|true", "npm run lint; id|true",
      "make build|true", "make build && id|false", "make|false", "id > /tmp/x|false"})
  void matchesCommandsExactlyByGlobOrByWholeRegex(String command, boolean allowed) {
    assertThat(PolicyCheck.check(POLICY, ask("command", null, "admin", command)).isEmpty()).isEqualTo(allowed);
  }

  @Test
  void aCatastrophicRegexRefusesInsteadOfSpinning() {
    CommandPattern evil = CommandPattern.of(CommandPattern.Syntax.REGEX, "(a+)+b");
    long start = System.nanoTime();
    assertThat(evil.matches("a".repeat(40) + "c")).isFalse();
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(2));
    assertThat(evil.matches("aab")).isTrue();
  }

  @Test
  void namesFieldAndRuleOfARefusedCommand() {
    assertThat(PolicyCheck.check(POLICY, ask("command", null, "admin", "id > /tmp/x")))
        .singleElement().satisfies(v -> {
          assertThat(v.field()).isEqualTo("run");
          assertThat(v.rule()).isEqualTo("commands.run of the backend policy (p.yaml)");
          assertThat(v.describe()).startsWith("run: `id > /tmp/x` is not allowed (allowed: exact 'npm test',"
              + " glob 'npm run *', regex 'make (build|test)'; use an allowed command");
        });
  }

  @Test
  void weighsAutonomyByTheSubmittersRole() {
    assertThat(PolicyCheck.check(POLICY, ask("codex", Autonomy.LOW, "submitter", ""))).isEmpty();
    assertThat(PolicyCheck.check(POLICY, ask("codex", Autonomy.HIGH, "submitter", "")))
        .singleElement().satisfies(v -> assertThat(v.describe())
            .isEqualTo("droid: autonomy high is above low, the highest for role submitter (name a droid with lower"
                + " autonomy, or have a role with more submit it) (rule autonomy.submitter of the backend policy (p.yaml))"));
    assertThat(PolicyCheck.check(POLICY, ask("codex", Autonomy.HIGH, "admin", ""))).isEmpty();
    assertThat(PolicyCheck.check(POLICY, ask("claude", Autonomy.LOW, "viewer", ""))).hasSize(1);
  }

  @Test
  void refusesADisabledRunner() {
    assertThat(PolicyCheck.check(POLICY, ask("droid", Autonomy.LOW, "admin", "")))
        .extracting(PolicyCheck.Violation::field).containsExactly("runner");
  }

  @ParameterizedTest
  @CsvSource({"../etc/passwd,leaves the workspace", "/etc/passwd,is absolute", "a/../../b,leaves the workspace",
      "~/x,is absolute", "'',is empty"})
  void refusesPathsOutOfTheWorkspace(String path, String problem) {
    assertThat(PolicyCheck.escape(path)).contains(problem);
  }

  @Test
  void keepsPathsInside() {
    assertThat(PolicyCheck.escape("api/openapi.yaml")).isEmpty();
    assertThat(PolicyCheck.escape("a/../b")).isEmpty();
    assertThat(PolicyCheck.paths(List.of(Map.entry("deliverables[1]", "../x"))))
        .extracting(PolicyCheck.Violation::describe)
        .containsExactly("deliverables[1]: '../x' leaves the workspace (expected: a relative path inside the task's"
            + " workspace) (rule paths stay inside the workspace)");
  }

  @Test
  void countsAnEmptySubmitterAsAViewerUnlessTheServerIsOpen() {
    assertThat(PolicyCheck.role(List.of(), false)).isEqualTo("viewer");
    assertThat(PolicyCheck.role(List.of(), true)).isEqualTo("admin");
    assertThat(PolicyCheck.role(List.of("viewer", "submitter"), false)).isEqualTo("submitter");
    assertThat(PolicyCheck.role(List.of("orchestrator"), true)).isEqualTo("viewer");
  }

  @Test
  void mapsEachClisSettingOntoOneScale() {
    assertThat(Autonomy.of("", "bypassPermissions", "claude")).contains(Autonomy.HIGH);
    assertThat(Autonomy.of("", "plan", "claude")).contains(Autonomy.READ_ONLY);
    assertThat(Autonomy.of("", "", "claude")).contains(Autonomy.LOW);
    assertThat(Autonomy.of("danger-full-access", "", "droid")).contains(Autonomy.HIGH);
    assertThat(Autonomy.of("medium", "", "droid")).contains(Autonomy.MEDIUM);
    assertThat(Autonomy.of("medium", "", "codex")).as("codex runs medium as workspace-write").contains(Autonomy.LOW);
    assertThat(Autonomy.of("read-only", "", "codex")).contains(Autonomy.READ_ONLY);
    assertThat(Autonomy.of("high", "", "sim")).isEmpty();
  }
}

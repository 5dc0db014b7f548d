package dev.baton.runtime.agent;

import static dev.baton.runtime.agent.FakeAgents.argv;
import static dev.baton.runtime.agent.FakeAgents.definition;
import static dev.baton.runtime.agent.FakeAgents.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.runtime.droid.DroidOutcome;
import dev.baton.runtime.droid.RunningDroid;
import dev.baton.v1.Budget;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.DroidEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClaudeRunnerTest {
  private static final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

  @TempDir Path root;
  Path workspace;

  @BeforeEach
  void workspace() throws Exception {
    workspace = Files.createDirectories(root.resolve("ws"));
  }

  @AfterAll
  static void stop() {
    scheduler.shutdownNow();
  }

  private ClaudeRunner runner() {
    return new ClaudeRunner(FakeAgents.settings("claude", root).build(), scheduler,
        java.time.Clock.systemUTC(), () -> "11111111-2222-3333-4444-555555555555");
  }

  private static DroidOutcome outcome(RunningDroid run) throws Exception {
    return run.outcome().get(20, TimeUnit.SECONDS);
  }

  @Test
  void runsClaudeWithTheDefinitionsFlagsMapsItsEventsInOrderAndEditsTheWorkspace() throws Exception {
    FakeAgents.scenario(root, "t-1", """
        {"mode": "ok", "result": "Built src/app.js",
         "steps": [{"message": "Planning"},
                   {"write": {"path": "src/app.js", "content": "let a = 1;\\n"}},
                   {"edit": {"path": "src/app.js", "old": "1", "new": "2"}}]}
        """);
    FakeAgents.Recorder recorder = new FakeAgents.Recorder();
    DroidOutcome outcome = outcome(runner().start(
        task("t-1", workspace, definition("claude", "claude-sonnet-4-5", "", Budget.getDefaultInstance()),
            Budget.getDefaultInstance(), ""), recorder));

    assertThat(outcome.status()).as(outcome.message()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(outcome.message()).isEqualTo("claude finished: Built src/app.js");
    assertThat(Files.readString(workspace.resolve("src/app.js"))).isEqualTo("let a = 2;\n");
    assertThat(recorder.kinds()).containsExactly(
        "MESSAGE", "MESSAGE", "USAGE", "TOOL_CALL", "USAGE", "TOOL_RESULT", "FILE_CHANGE",
        "TOOL_CALL", "USAGE", "TOOL_RESULT", "FILE_CHANGE", "USAGE", "COMPLETION");
    assertThat(recorder.events).filteredOn(DroidEvent::hasFileChange)
        .extracting(e -> e.getFileChange().getPath() + " " + e.getFileChange().getChange())
        .containsExactly("src/app.js add", "src/app.js modify");
    // claude's own cost (fake prices: 3/15/0.30 per million) replaces the estimate
    assertThat(outcome.usage().getCostEstimated()).isFalse();
    assertThat(outcome.usage().getCostUsd()).isEqualTo(0.002358);
    assertThat(outcome.usage().getTurns()).isEqualTo(3);
    assertThat(outcome.sessionId()).isEqualTo("11111111-2222-3333-4444-555555555555");

    assertThat(argv(root)).containsExactly("-p", "--output-format", "stream-json", "--verbose",
        "--append-system-prompt", "You are a careful coder.", "--model", "claude-sonnet-4-5", "--max-turns", "12",
        "--permission-mode", "acceptEdits", "--allowedTools", "Read,Write,Edit", "--disallowedTools", "WebFetch",
        "--session-id", "11111111-2222-3333-4444-555555555555");
    assertThat(FakeAgents.envNames(root)).contains("PATH", "HOME", "ANTHROPIC_API_KEY", "FAKE_AGENT_LOG")
        .doesNotContain("UNRELATED_SECRET", "OPENAI_API_KEY");
    assertThat(FakeAgents.log(root).get(0).get("stdin").asText()).isEqualTo("Task: t-1\n\nBuild the thing.\n");
    List<String> stdoutLog = Files.readAllLines(root.resolve("logs/agent-claude-t-1-attempt-1.jsonl"));
    assertThat(stdoutLog).hasSize(7).first().asString().contains("\"subtype\": \"init\"");
    assertThat(root.resolve("logs/agent-claude-t-1-attempt-1.stderr.log")).exists();
  }

  @Test
  void isErrorFailsTheRunThoughClaudeExitsZero() throws Exception {
    FakeAgents.scenario(root, "t-2", """
        {"mode": "fail", "error": "API Error: overloaded", "steps": [{"message": "Trying"}]}
        """);
    DroidOutcome outcome = outcome(runner().start(task("t-2", workspace,
        definition("claude", "", "", Budget.getDefaultInstance()), Budget.getDefaultInstance(), ""),
        new FakeAgents.Recorder()));

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.message()).isEqualTo("claude reported an error: API Error: overloaded");
    assertThat(outcome.usage().getCostUsd()).isPositive();
  }

  @Test
  void anExitWithoutTheResultLineFails() throws Exception {
    FakeAgents.scenario(root, "t-3", """
        {"mode": "no_result", "steps": [{"message": "Trying"}]}
        """);
    DroidOutcome outcome = outcome(runner().start(task("t-3", workspace,
        definition("claude", "inherit", "", Budget.getDefaultInstance()), Budget.getDefaultInstance(), ""),
        new FakeAgents.Recorder()));

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.message()).isEqualTo("claude exited with code 0 without a completion");
    assertThat(argv(root)).doesNotContain("--model");
  }

  @Test
  void aBudgetOverrunStopsTheAgentAndNamesTheBudget() throws Exception {
    FakeAgents.scenario(root, "t-4", """
        {"mode": "overrun", "overrun_tokens": 5000000, "steps": [{"message": "Thinking"}]}
        """);
    DroidOutcome outcome = outcome(runner().start(task("t-4", workspace,
        definition("claude", "", "", Budget.newBuilder().setTokens(50_000).build()),
        Budget.newBuilder().setTokens(10_000).build(), ""), new FakeAgents.Recorder()));

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.budgetExceeded()).isEqualTo("tokens");
    assertThat(outcome.message()).isEqualTo(
        "budget exceeded: tokens 5,500,042 > 10,000 (task budget); claude was stopped");
    assertThat(outcome.usage().getInputTokens()).isEqualTo(5_000_012);
    assertAllGone(1);
  }

  @Test
  void cancelKillsTheWholeProcessTreeAndKeepsThePartialUsageAndTheWorkspace() throws Exception {
    FakeAgents.scenario(root, "t-5", """
        {"mode": "hang", "spawn_child": true,
         "steps": [{"message": "Working"}, {"write": {"path": "half.txt", "content": "half"}}]}
        """);
    RunningDroid run = runner().start(task("t-5", workspace,
        definition("claude", "", "", Budget.getDefaultInstance()), Budget.getDefaultInstance(), ""),
        new FakeAgents.Recorder());
    await().atMost(Duration.ofSeconds(10))
        .until(() -> FakeAgents.log(root).stream().anyMatch(r -> r.has("child_pid")));

    run.cancel("plan cancelled");
    DroidOutcome outcome = outcome(run);

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_CANCELLED);
    assertThat(outcome.message()).isEqualTo("cancelled: plan cancelled");
    assertThat(outcome.exitCode()).isEqualTo(-1);
    assertThat(outcome.usage().getTurns()).isEqualTo(2);
    assertThat(Files.readString(workspace.resolve("half.txt"))).isEqualTo("half");
    assertAllGone(2);
  }

  @Test
  void aRetryResumesThePreviousSession() throws Exception {
    DroidOutcome outcome = outcome(runner().start(task("t-6", workspace,
        definition("claude", "", "", Budget.getDefaultInstance()), Budget.getDefaultInstance(), "prev-session-7"),
        new FakeAgents.Recorder()));

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(argv(root)).containsSubsequence("--resume", "prev-session-7").doesNotContain("--session-id");
    assertThat(outcome.sessionId()).isEqualTo("prev-session-7");
  }

  @Test
  void failsClearlyWithoutAWorkspaceOrABinary() throws Exception {
    DroidOutcome noWorkspace = outcome(runner().start(task("t-7", null,
        definition("claude", "", "", Budget.getDefaultInstance()), Budget.getDefaultInstance(), ""),
        new FakeAgents.Recorder()));
    assertThat(noWorkspace.message()).startsWith("runner claude needs a prepared workspace");

    ClaudeRunner missing = new ClaudeRunner(FakeAgents.settings("claude", root)
        .binary(root.resolve("no-such-claude").toString()).build(), scheduler);
    DroidOutcome noBinary = outcome(missing.start(task("t-7", workspace,
        definition("claude", "", "", Budget.getDefaultInstance()), Budget.getDefaultInstance(), ""),
        new FakeAgents.Recorder()));
    assertThat(noBinary.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(noBinary.message()).startsWith("cannot start claude ('" + root.resolve("no-such-claude") + "')");
  }

  @Test
  void anUnknownExtraArgumentIsRefusedByTheCliAndFailsTheRun() throws Exception {
    ClaudeRunner runner = new ClaudeRunner(FakeAgents.settings("claude", root)
        .extraArgs(List.of("--no-such-flag")).build(), scheduler);
    DroidOutcome outcome = outcome(runner.start(task("t-8", workspace,
        definition("claude", "", "", Budget.getDefaultInstance()), Budget.getDefaultInstance(), ""),
        new FakeAgents.Recorder()));
    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.message()).isEqualTo("claude exited with code 1 without a completion: error: unknown option '--no-such-flag'");
  }

  /** Every process the fake logged (itself, and its child when it made one) has exited. */
  private void assertAllGone(int processes) {
    List<Long> pids = FakeAgents.log(root).stream().flatMap(r -> java.util.stream.Stream.of(r.get("pid"), r.get("child_pid")))
        .filter(n -> n != null && n.canConvertToLong()).map(JsonNode::asLong).distinct().toList();
    assertThat(pids).hasSize(processes);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(pids).allSatisfy(pid ->
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse()));
  }
}

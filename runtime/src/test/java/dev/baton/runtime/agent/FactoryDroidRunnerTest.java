package dev.baton.runtime.agent;

import static dev.baton.runtime.agent.FakeAgents.argv;
import static dev.baton.runtime.agent.FakeAgents.definition;
import static dev.baton.runtime.agent.FakeAgents.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import dev.baton.runtime.droid.DroidOutcome;
import dev.baton.runtime.droid.DroidTask;
import dev.baton.runtime.droid.RunningDroid;
import dev.baton.v1.Budget;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.DroidEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FactoryDroidRunnerTest {
  private static final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private static final PriceTable PRICES = new PriceTable(Map.of("glm-4.6", new PriceTable.Price(1, 2, 0.5, 1)));

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

  private FactoryDroidRunner runner() {
    return new FactoryDroidRunner(FakeAgents.settings("droid", root).prices(PRICES).build(), scheduler);
  }

  private static DroidOutcome run(FactoryDroidRunner runner, DroidTask task, FakeAgents.Recorder recorder) throws Exception {
    return runner.start(task, recorder).outcome().get(20, TimeUnit.SECONDS);
  }

  @Test
  void runsDroidExecMatchesResultsWithoutIdsInOrderAndEstimatesTheCost() throws Exception {
    FakeAgents.scenario(root, "t-1", """
        {"mode": "ok", "result": "Done", "omit_result_ids": true,
         "steps": [{"message": "Planning"},
                   {"write": {"path": "src/app.js", "content": "ok"}},
                   {"bash": {"command": "ls", "output": "src"}}]}
        """);
    FakeAgents.Recorder recorder = new FakeAgents.Recorder();
    DroidOutcome outcome = run(runner(), task("t-1", workspace,
        definition("droid", "glm-4.6", "medium", Budget.getDefaultInstance()), Budget.getDefaultInstance(), ""), recorder);

    assertThat(outcome.status()).as(outcome.message()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(outcome.message()).isEqualTo("droid finished: Done");
    assertThat(Files.readString(workspace.resolve("src/app.js"))).isEqualTo("ok");
    assertThat(recorder.kinds()).containsExactly("MESSAGE", "MESSAGE", "MESSAGE", "USAGE", "TOOL_CALL", "TOOL_RESULT",
        "FILE_CHANGE", "TOOL_CALL", "TOOL_RESULT", "USAGE", "COMPLETION");
    var calls = recorder.events.stream().filter(DroidEvent::hasToolCall).map(e -> e.getToolCall().getId()).toList();
    var results = recorder.events.stream().filter(DroidEvent::hasToolResult).map(e -> e.getToolResult().getId()).toList();
    assertThat(results).isEqualTo(calls).allSatisfy(id -> assertThat(id).startsWith("call_"));
    assertThat(outcome.usage().getCostEstimated()).isTrue();
    assertThat(outcome.usage().getCostUsd()).isEqualTo((800 * 1 + 40 * 2 + 2000 * 0.5) / 1e6);
    assertThat(outcome.sessionId()).isNotBlank();

    assertThat(argv(root)).containsExactly("exec", "-o", "stream-json", "--cwd", workspace.toString(),
        "--auto", "medium", "-m", "glm-4.6");
    assertThat(FakeAgents.envNames(root)).contains("FACTORY_API_KEY").doesNotContain("ANTHROPIC_API_KEY", "UNRELATED_SECRET");
    assertThat(FakeAgents.log(root).get(0).get("stdin").asText())
        .isEqualTo("You are a careful coder.\n\n---\n\nTask: t-1\n\nBuild the thing.\n");
  }

  @Test
  void readOnlyAutonomyPassesNoAutoLevelAndTheCliRefusesTheEdit() throws Exception {
    FakeAgents.scenario(root, "t-2", """
        {"mode": "ok", "result": "Could not write", "steps": [{"write": {"path": "a.txt", "content": "x"}}]}
        """);
    FakeAgents.Recorder recorder = new FakeAgents.Recorder();
    DroidOutcome outcome = run(runner(), task("t-2", workspace,
        definition("droid", "", "read-only", Budget.getDefaultInstance()), Budget.getDefaultInstance(), ""), recorder);

    assertThat(argv(root)).doesNotContain("--auto", "-m");
    assertThat(workspace.resolve("a.txt")).doesNotExist();
    assertThat(recorder.events).noneMatch(DroidEvent::hasFileChange)
        .anySatisfy(e -> assertThat(e.getToolResult().getIsError()).isTrue());
    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
  }

  @Test
  void anErrorLineAndExitCodeOneFailTheRunWithTheError() throws Exception {
    FakeAgents.scenario(root, "t-3", """
        {"mode": "fail", "error": "rate limited by the provider", "steps": [{"message": "Trying"}]}
        """);
    DroidOutcome outcome = run(runner(), task("t-3", workspace,
        definition("droid", "", "", Budget.getDefaultInstance()), Budget.getDefaultInstance(), ""), new FakeAgents.Recorder());

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.exitCode()).isEqualTo(1);
    assertThat(outcome.message()).isEqualTo("droid exited with code 1 without a completion: rate limited by the provider");
    assertThat(argv(root)).containsSubsequence("--auto", "low");
  }

  @Test
  void aRetryResumesTheSessionWithDashS() throws Exception {
    DroidOutcome outcome = run(runner(), task("t-4", workspace,
        definition("droid", "", "", Budget.getDefaultInstance()), Budget.getDefaultInstance(), "droid-session-1"),
        new FakeAgents.Recorder());

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(argv(root)).endsWith("-s", "droid-session-1");
    assertThat(outcome.sessionId()).isEqualTo("droid-session-1");
  }

  @Test
  void anEstimatedCostPastTheUsdBudgetStopsTheAgent() throws Exception {
    FakeAgents.scenario(root, "t-5", """
        {"mode": "overrun", "overrun_tokens": 5000000, "steps": [{"message": "Thinking"}]}
        """);
    DroidOutcome outcome = run(runner(), task("t-5", workspace,
        definition("droid", "glm-4.6", "", Budget.getDefaultInstance()), Budget.newBuilder().setUsd(1.0).build(), ""),
        new FakeAgents.Recorder());

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.budgetExceeded()).isEqualTo("usd");
    assertThat(outcome.message()).isEqualTo(
        "budget exceeded: usd 6.0019 > 1.00 (task budget, cost estimated from tokens); droid was stopped");
    long pid = FakeAgents.log(root).get(0).get("pid").asLong();
    await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void thePackagesDeadlineStopsAHangingAgent() throws Exception {
    FakeAgents.scenario(root, "t-6", """
        {"mode": "hang", "steps": [{"message": "Thinking"}]}
        """);
    Instant now = Instant.parse("2026-12-04T06:00:00Z");
    FactoryDroidRunner runner = new FactoryDroidRunner(FakeAgents.settings("droid", root).build(), scheduler,
        Clock.fixed(now, ZoneOffset.UTC));
    DroidTask task = task("t-6", workspace, definition("droid", "", "", Budget.getDefaultInstance()),
        Budget.getDefaultInstance(), "");
    Instant deadline = now.plusMillis(300);
    task = new DroidTask(task.delegation().toBuilder()
        .setDeadline(Timestamp.newBuilder().setSeconds(deadline.getEpochSecond()).setNanos(deadline.getNano())).build(),
        task.droid(), task.definition(), task.workspace(), task.prompt());
    RunningDroid running = runner.start(task, new FakeAgents.Recorder());
    DroidOutcome outcome = running.outcome().get(20, TimeUnit.SECONDS);

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.budgetExceeded()).isEqualTo("wall");
    assertThat(outcome.message()).isEqualTo(
        "budget exceeded: wall time past the task's deadline 2026-12-04T06:00:00.300Z (task deadline); droid was stopped");
  }
}

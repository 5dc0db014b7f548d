package dev.baton.runtime.agent;

import static dev.baton.runtime.agent.FakeAgents.argv;
import static dev.baton.runtime.agent.FakeAgents.definition;
import static dev.baton.runtime.agent.FakeAgents.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.runtime.droid.DroidOutcome;
import dev.baton.runtime.droid.DroidTask;
import dev.baton.v1.Budget;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.DroidEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodexRunnerTest {
  private static final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private static final PriceTable PRICES = new PriceTable(Map.of("gpt-5-codex", new PriceTable.Price(1.25, 10, 0.125, 1.25)));

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

  private static DroidOutcome run(CodexRunner runner, DroidTask task, FakeAgents.Recorder recorder) throws Exception {
    return runner.start(task, recorder).outcome().get(20, TimeUnit.SECONDS);
  }

  private CodexRunner runner() {
    return new CodexRunner(FakeAgents.settings("codex", root).prices(PRICES).build(), scheduler);
  }

  @Test
  void runsCodexExecMapsItemsAndCompletesWithTheLastMessageAndAnEstimatedCost() throws Exception {
    FakeAgents.scenario(root, "t-1", """
        {"mode": "ok", "result": "Done: tests pass",
         "steps": [{"message": "Planning"},
                   {"write": {"path": "src/app.js", "content": "ok"}},
                   {"bash": {"command": "npm test", "output": "1 passing"}},
                   {"delete": "src/app.js"}]}
        """);
    FakeAgents.Recorder recorder = new FakeAgents.Recorder();
    DroidOutcome outcome = run(runner(), task("t-1", workspace,
        definition("codex", "gpt-5-codex", "", Budget.getDefaultInstance()), Budget.getDefaultInstance(), ""), recorder);

    assertThat(outcome.status()).as(outcome.message()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(outcome.message()).isEqualTo("codex finished: Done: tests pass");
    assertThat(workspace.resolve("src/app.js")).doesNotExist();
    assertThat(recorder.kinds()).containsExactly("MESSAGE", "MESSAGE", "USAGE", "FILE_CHANGE", "TOOL_CALL", "TOOL_RESULT",
        "FILE_CHANGE", "MESSAGE", "USAGE", "USAGE", "COMPLETION");
    assertThat(recorder.events).filteredOn(DroidEvent::hasFileChange)
        .extracting(e -> e.getFileChange().getPath() + " " + e.getFileChange().getChange())
        .containsExactly("src/app.js add", "src/app.js delete");
    assertThat(outcome.usage().getInputTokens()).isEqualTo(2900);
    assertThat(outcome.usage().getCacheReadTokens()).isEqualTo(1500);
    assertThat(outcome.usage().getCostUsd()).isEqualTo((2900 * 1.25 + 60 * 10 + 1500 * 0.125) / 1e6);
    assertThat(outcome.usage().getCostEstimated()).isTrue();

    assertThat(argv(root)).containsExactly("exec", "--json", "-C", workspace.toString(), "--sandbox", "workspace-write",
        "--skip-git-repo-check", "-m", "gpt-5-codex", "-");
    assertThat(FakeAgents.envNames(root)).contains("OPENAI_API_KEY").doesNotContain("FACTORY_API_KEY", "UNRELATED_SECRET");
  }

  @Test
  void aRetryResumesTheThreadWithTheResumeSubcommandAndReportsTheDeliverables() throws Exception {
    FakeAgents.scenario(root, "t-2", """
        {"mode": "ok", "result": "Resumed", "steps": [{"write": {"path": "api.yaml", "content": "openapi: 3.0.0"}}]}
        """);
    DroidTask task = task("t-2", workspace,
        definition("codex", "", "high", Budget.getDefaultInstance()), Budget.getDefaultInstance(), "0199a213-81c0");
    task = new DroidTask(task.delegation().toBuilder().addExpectedDeliverables("api.yaml").addExpectedDeliverables("missing.md")
        .build(), task.droid(), task.definition(), task.workspace(), task.prompt());
    DroidOutcome outcome = run(runner(), task, new FakeAgents.Recorder());

    assertThat(outcome.deliverables()).singleElement().satisfies(d -> {
      assertThat(d.getPath()).isEqualTo("api.yaml");
      assertThat(d.getContent()).isEqualTo("openapi: 3.0.0");
    });
    assertThat(outcome.issues()).singleElement().satisfies(i -> assertThat(i.getMessage()).contains("missing.md"));

    assertThat(outcome.status()).as(outcome.message()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(argv(root)).containsExactly("exec", "--json", "-C", workspace.toString(), "--sandbox", "danger-full-access",
        "--skip-git-repo-check", "resume", "0199a213-81c0", "-");
    assertThat(outcome.sessionId()).isEqualTo("0199a213-81c0");
  }

  @Test
  void aFailedTurnFailsTheRunWithItsError() throws Exception {
    FakeAgents.scenario(root, "t-3", """
        {"mode": "fail", "error": "stream disconnected before completion", "steps": [{"message": "Trying"}]}
        """);
    DroidOutcome outcome = run(runner(), task("t-3", workspace,
        definition("codex", "", "", Budget.getDefaultInstance()), Budget.getDefaultInstance(), ""), new FakeAgents.Recorder());

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.message()).isEqualTo("codex reported an error: stream disconnected before completion (exit code 1)");
    assertThat(outcome.sessionId()).isNotBlank();
  }

  @Test
  void anUnknownOptionIsRefusedWithExitCodeTwo() throws Exception {
    CodexRunner runner = new CodexRunner(FakeAgents.settings("codex", root).extraArgs(List.of("--bogus")).build(), scheduler);
    DroidOutcome outcome = run(runner, task("t-4", workspace,
        definition("codex", "", "", Budget.getDefaultInstance()), Budget.getDefaultInstance(), ""), new FakeAgents.Recorder());

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.message()).isEqualTo("codex exited with code 2 without a completion: error: unknown option '--bogus'");
  }

  @Test
  void theWallBudgetStopsAHangingAgent() throws Exception {
    FakeAgents.scenario(root, "t-5", """
        {"mode": "hang", "steps": [{"message": "Thinking"}]}
        """);
    DroidOutcome outcome = run(runner(), task("t-5", workspace,
        definition("codex", "", "", Budget.newBuilder().setWallMillis(300).build()), Budget.getDefaultInstance(), ""),
        new FakeAgents.Recorder());

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.budgetExceeded()).isEqualTo("wall");
    assertThat(outcome.message()).isEqualTo("budget exceeded: wall time > 300ms (droid budget); codex was stopped");
    assertThat(outcome.usage().getTurns()).isEqualTo(1);
  }

  @Test
  void anExitWithoutACompletedTurnFails() throws Exception {
    FakeAgents.scenario(root, "t-6", """
        {"mode": "no_result", "steps": [{"message": "Half way"}]}
        """);
    DroidOutcome outcome = run(runner(), task("t-6", workspace,
        definition("codex", "", "", Budget.getDefaultInstance()), Budget.getDefaultInstance(), ""), new FakeAgents.Recorder());

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.message()).isEqualTo("codex exited with code 0 without a completion");
  }
}

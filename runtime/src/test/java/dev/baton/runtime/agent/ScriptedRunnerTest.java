package dev.baton.runtime.agent;

import static dev.baton.runtime.agent.FakeAgents.definition;
import static dev.baton.runtime.agent.FakeAgents.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.runtime.droid.DroidOutcome;
import dev.baton.runtime.droid.DroidTask;
import dev.baton.runtime.droid.RunningDroid;
import dev.baton.v1.Budget;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.DroidEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptedRunnerTest {
  private static final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

  @TempDir Path root;
  Path workspace;
  Path scenarios;

  @BeforeEach
  void dirs() throws Exception {
    workspace = Files.createDirectories(root.resolve("ws"));
    scenarios = Files.createDirectories(root.resolve("scenarios"));
  }

  @AfterAll
  static void stop() {
    scheduler.shutdownNow();
  }

  private ScriptedRunner runner() {
    return new ScriptedRunner(scenarios, scheduler);
  }

  private static DroidTask plain(String id, Path workspace) {
    return task(id, workspace, definition("scripted", "", "", Budget.getDefaultInstance()), Budget.getDefaultInstance(), "");
  }

  private static DroidOutcome outcome(RunningDroid run) throws Exception {
    return run.outcome().get(10, TimeUnit.SECONDS);
  }

  @Test
  void replaysAYamlScenarioWithRealEditsToolsUsageAndAResult() throws Exception {
    Files.writeString(workspace.resolve("old.js"), "legacy");
    Files.writeString(scenarios.resolve("t-1.yaml"), """
        - message: "Reading the spec"
        - tool: {name: Read, input: {file_path: spec.md}, output: "# Spec"}
        - write: {path: src/a.js, content: "export const a = 1;\\n"}
        - append: {path: src/a.js, content: "export const b = 2;\\n"}
        - delete: old.js
        - usage: {input: 1200, output: 300}
        - sleep: 20ms
        - result: "done"
        """);
    FakeAgents.Recorder recorder = new FakeAgents.Recorder();
    DroidOutcome outcome = outcome(runner().start(plain("t-1", workspace), recorder));

    assertThat(outcome.status()).as(outcome.message()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(outcome.message()).isEqualTo("scripted droid finished: done");
    assertThat(Files.readString(workspace.resolve("src/a.js"))).isEqualTo("export const a = 1;\nexport const b = 2;\n");
    assertThat(workspace.resolve("old.js")).doesNotExist();
    assertThat(recorder.kinds()).containsExactly("MESSAGE", "USAGE", "TOOL_CALL", "TOOL_RESULT", "FILE_CHANGE",
        "FILE_CHANGE", "FILE_CHANGE", "USAGE", "COMPLETION");
    assertThat(recorder.events).filteredOn(DroidEvent::hasFileChange)
        .extracting(e -> e.getFileChange().getPath() + " " + e.getFileChange().getChange())
        .containsExactly("src/a.js add", "src/a.js modify", "old.js delete");
    assertThat(outcome.usage().getInputTokens()).isEqualTo(1200);
    assertThat(outcome.usage().getTurns()).isEqualTo(1);
    assertThat(outcome.usage().getCostUsd()).isEqualTo((1200 * 3.0 + 300 * 15.0) / 1e6);
    assertThat(outcome.sessionId()).isEqualTo("scripted-plan-1-t-1-1");
  }

  @Test
  void findsTheScenarioInTheWorkspaceWhenTheDirectoryHasNone() throws Exception {
    Files.createDirectories(workspace.resolve(".baton/scenarios"));
    Files.writeString(workspace.resolve(".baton/scenarios/t-2.json"), """
        [{"write": {"path": "from-repo.txt", "content": "repo"}}, {"result": "from the repository"}]
        """);
    DroidOutcome outcome = outcome(new ScriptedRunner(null, scheduler).start(plain("t-2", workspace), new FakeAgents.Recorder()));

    assertThat(outcome.message()).isEqualTo("scripted droid finished: from the repository");
    assertThat(workspace.resolve("from-repo.txt")).hasContent("repo");
  }

  @Test
  void withoutAScenarioWritesOneNoteAndSucceeds() throws Exception {
    DroidOutcome outcome = outcome(runner().start(plain("t-3", workspace), new FakeAgents.Recorder()));

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(workspace.resolve("notes/t-3.md")).hasContent("# t-3\n\nBuild the thing");
  }

  @Test
  void aFailStepFailsTheRunWithAnErrorAndAFailedCompletion() throws Exception {
    Files.writeString(scenarios.resolve("t-4.yaml"), """
        - message: trying
        - fail: "tests do not compile"
        - write: {path: never.txt, content: x}
        """);
    FakeAgents.Recorder recorder = new FakeAgents.Recorder();
    DroidOutcome outcome = outcome(runner().start(plain("t-4", workspace), recorder));

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.message()).isEqualTo("scripted droid reported an error: tests do not compile");
    assertThat(recorder.events).filteredOn(DroidEvent::hasCompletion).singleElement()
        .satisfies(e -> assertThat(e.getCompletion().getIsError()).isTrue());
    assertThat(workspace.resolve("never.txt")).doesNotExist();
  }

  @Test
  void aHangEndsOnlyOnCancelWithThePartialUsage() throws Exception {
    Files.writeString(scenarios.resolve("t-5.yaml"), """
        - usage: {input: 500, output: 50}
        - hang: true
        """);
    CountDownLatch usageSeen = new CountDownLatch(1);
    FakeAgents.Recorder recorder = new FakeAgents.Recorder() {
      @Override
      public void event(DroidEvent event) {
        super.event(event);
        if (event.hasUsage()) {
          usageSeen.countDown();
        }
      }
    };
    RunningDroid run = runner().start(plain("t-5", workspace), recorder);
    assertThat(usageSeen.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(run.outcome()).isNotDone();

    run.cancel("operator");
    DroidOutcome outcome = outcome(run);

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_CANCELLED);
    assertThat(outcome.message()).isEqualTo("cancelled: operator");
    assertThat(outcome.usage().getInputTokens()).isEqualTo(500);
  }

  @Test
  void aLongSleepWaitsOnTheSchedulerAndIsCancelledAtOnce() throws Exception {
    Files.writeString(scenarios.resolve("t-6.yaml"), "- message: going to sleep\n- sleep: 1h\n- result: never\n");
    CountDownLatch messageSeen = new CountDownLatch(1);
    RunningDroid run = runner().start(plain("t-6", workspace), new FakeAgents.Recorder() {
      @Override
      public void event(DroidEvent event) {
        super.event(event);
        if (event.hasMessage()) {
          messageSeen.countDown();
        }
      }
    });
    assertThat(messageSeen.await(10, TimeUnit.SECONDS)).isTrue();
    run.cancel("stop");
    DroidOutcome outcome = outcome(run);
    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_CANCELLED);
    assertThat(outcome.message()).isEqualTo("cancelled: stop");
  }

  @Test
  void anOverrunPastTheSmallerDroidBudgetStopsTheRunAndNamesIt() throws Exception {
    Files.writeString(scenarios.resolve("t-7.yaml"), """
        - usage: {input: 9000, output: 4000}
        - write: {path: after.txt, content: x}
        - result: never
        """);
    DroidTask task = task("t-7", workspace, definition("scripted", "", "", Budget.newBuilder().setTokens(10_000).build()),
        Budget.newBuilder().setTokens(20_000).build(), "");
    DroidOutcome outcome = outcome(runner().start(task, new FakeAgents.Recorder()));

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.budgetExceeded()).isEqualTo("tokens");
    assertThat(outcome.message()).isEqualTo(
        "budget exceeded: tokens 13,000 > 10,000 (droid budget); the scripted droid was stopped");
    assertThat(workspace.resolve("after.txt")).doesNotExist();
  }

  @Test
  void theWallBudgetEndsAHang() throws Exception {
    Files.writeString(scenarios.resolve("t-8.yaml"), "- hang: true\n");
    DroidTask task = task("t-8", workspace, definition("scripted", "", "", Budget.getDefaultInstance()),
        Budget.newBuilder().setWallMillis(100).build(), "");
    DroidOutcome outcome = outcome(new ScriptedRunner(scenarios, scheduler, Clock.systemUTC(), PriceTable.defaults())
        .start(task, new FakeAgents.Recorder()));

    assertThat(outcome.budgetExceeded()).isEqualTo("wall");
    assertThat(outcome.message()).isEqualTo("budget exceeded: wall time > 100ms (task budget)");
  }

  @Test
  void anExitWithoutACompletionAndAnEscapingPathFail() throws Exception {
    Files.writeString(scenarios.resolve("t-9.yaml"), "- message: bye\n- exit: 3\n");
    DroidOutcome exit = outcome(runner().start(plain("t-9", workspace), new FakeAgents.Recorder()));
    assertThat(exit.message()).isEqualTo("scripted droid exited with code 3 without a completion");
    assertThat(exit.exitCode()).isEqualTo(3);

    Files.writeString(scenarios.resolve("t-10.yaml"), "- write: {path: ../outside.txt, content: x}\n");
    DroidOutcome escape = outcome(runner().start(plain("t-10", workspace), new FakeAgents.Recorder()));
    assertThat(escape.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(escape.message()).contains("step 1", "'../outside.txt' leaves the workspace root");
    assertThat(root.resolve("outside.txt")).doesNotExist();
  }

  @Test
  void rejectsABrokenScenarioNamingTheStep() throws Exception {
    Files.writeString(scenarios.resolve("t-11.yaml"), "- message: ok\n- teleport: mars\n");
    DroidOutcome outcome = outcome(runner().start(plain("t-11", workspace), new FakeAgents.Recorder()));
    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.message()).contains("t-11.yaml step 2: unknown step 'teleport'");

    assertThatThrownBy(() -> ScriptedScenario.parse("- sleep: soon", "x")).hasMessage("x step 1: sleep 'soon' (expected: 50ms, 2s, 1m, 1h or millis)");
    assertThatThrownBy(() -> ScriptedScenario.parse("- usage: {inptu: 3}", "x")).hasMessageContaining("usage.inptu");
  }
}

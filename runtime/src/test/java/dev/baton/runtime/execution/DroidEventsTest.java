package dev.baton.runtime.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.runtime.droid.DroidOutcome;
import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.runtime.server.BatonException;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.DroidEvent;
import dev.baton.v1.DroidMessage;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.ExecutionUpdate;
import dev.baton.v1.ListDroidEventsResponse;
import dev.baton.v1.Usage;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The droid-event channel, usage and cost, and the choice of runner, through the execution manager. */
class DroidEventsTest {
  private final ManualDroids sim = new ManualDroids();
  private final ManualDroids claude = new ManualDroids();
  private final ExecutorService callbacks = Executors.newSingleThreadExecutor();
  private final Map<String, DroidDefinition> pool = new LinkedHashMap<>();
  private final ExecutionManager manager;

  DroidEventsTest() {
    pool.put("generalist", DroidDefinition.builtIn("generalist", "", List.of()));
    pool.put("reviewer", DroidDefinition.builtIn("reviewer", "", List.of("review")).withRunner("claude"));
    Map<String, List<String>> expertise = new LinkedHashMap<>();
    pool.forEach((name, d) -> expertise.put(name, d.expertise()));
    manager = new ExecutionManager(ExecutionManager.Settings.of("backend-orchestrator-t1", 4), Clock.systemUTC(),
        new DroidSelector(expertise), Map.of("sim", sim, "command", sim, "claude", claude), pool::get, "sim",
        callbacks);
  }

  @AfterEach
  void stop() {
    manager.close();
    callbacks.shutdownNow();
  }

  private static DelegationPackage task(String id, String droid, String runner) {
    return DelegationPackage.newBuilder().setPlanId("shop").setTaskId(id).setAttempt(1)
        .setTaskDescription(id).setDroid(droid).setRunner(runner).build();
  }

  private static DroidEvent message(String text) {
    return DroidEvent.newBuilder().setMessage(DroidMessage.newBuilder().setRole("assistant").setText(text)).build();
  }

  private static DroidEvent usage(long input, long output, double cost) {
    return DroidEvent.newBuilder().setUsage(Usage.newBuilder().setInputTokens(input).setOutputTokens(output)
        .setCostUsd(cost).setTurns(1)).build();
  }

  @Test
  void runnerComesFromThePackageThenTheDefinitionThenTheInstanceDefault() {
    manager.delegate(task("plain", "generalist", ""));
    manager.delegate(task("reviewed", "reviewer", ""));
    manager.delegate(task("forced", "reviewer", "sim"));
    assertThat(sim.started).containsExactlyInAnyOrder("plain", "forced");
    assertThat(claude.started).containsExactly("reviewed");
  }

  @Test
  void aRunnerThatIsNotEnabledFailsTheTaskNamingTheEnabledOnes() {
    String id = manager.delegate(task("t", "generalist", "codex")).executionId();
    await().until(() -> manager.current(id).getState() == ExecutionState.EXECUTION_STATE_FAILED);
    assertThat(manager.current(id).getResult().getIssues(0).getMessage())
        .contains("runner 'codex' is not enabled", "claude, command, sim");
  }

  @Test
  void everyEventReachesTheWatcherNumberedInOrderAndUsageLandsInTheResultAndTheLoad() {
    String id = manager.delegate(task("t", "reviewer", "")).executionId();
    ExecutionManagerTest.Recorder watcher = new ExecutionManagerTest.Recorder();
    manager.watch(id, watcher);
    ManualDroids.Run run = claude.run("t");
    run.progress.event(message("reading the spec"));
    run.progress.event(usage(1_000, 200, 0.01));
    run.progress.event(message("writing the handler"));
    run.progress.event(usage(3_000, 900, 0.05));
    Usage total = Usage.newBuilder().setInputTokens(3_000).setOutputTokens(900).setCostUsd(0.05).setTurns(1).build();
    run.outcome.complete(new DroidOutcome(DelegationStatus.DELEGATION_STATUS_SUCCEEDED, "done", List.of(),
        List.of(), 0, 0, false, "", total, "session-1", ""));
    await().until(watcher.ended::get);

    List<DroidEvent> events = watcher.updates.stream().flatMap(u -> u.getEventsList().stream()).toList();
    assertThat(events).extracting(DroidEvent::getIndex).containsExactly(1L, 2L, 3L, 4L);
    assertThat(events.get(2).getMessage().getText()).isEqualTo("writing the handler");
    assertThat(events).allMatch(DroidEvent::hasTime);
    ExecutionUpdate last = watcher.updates.get(watcher.updates.size() - 1);
    assertThat(last.getResult().getUsage()).isEqualTo(total);
    assertThat(last.getResult().getSessionId()).isEqualTo("session-1");
    assertThat(last.getResult().getRunner()).isEqualTo("claude");
    assertThat(manager.load().getCostUsdTotal()).isEqualTo(0.05);
    assertThat(manager.load().getTokensTotal()).isEqualTo(3_900);
  }

  @Test
  void aLateWatcherGetsTheStateWithoutOldEventsAndPagesThem() {
    String id = manager.delegate(task("t", "reviewer", "")).executionId();
    ManualDroids.Run run = claude.run("t");
    for (int i = 1; i <= 5; i++) {
      run.progress.event(message("step " + i));
    }
    ExecutionManagerTest.Recorder late = new ExecutionManagerTest.Recorder();
    manager.watch(id, late);
    assertThat(late.updates).hasSize(1);
    assertThat(late.updates.get(0).getEventsCount()).isZero();

    ListDroidEventsResponse page = manager.events(id, 2, 2);
    assertThat(page.getEventsList()).extracting(e -> e.getMessage().getText()).containsExactly("step 3", "step 4");
    assertThat(page.getLastIndex()).isEqualTo(5);
    assertThat(page.getDroppedThrough()).isZero();
    assertThat(manager.events(id, 0, 0).getEventsCount()).isEqualTo(5);
    assertThatThrownBy(() -> manager.events(id, 0, 5_000)).isInstanceOf(BatonException.class)
        .hasMessageContaining("limit: 5000 (expected: 1..1000");
  }

  @Test
  void theLogKeepsTheNewestEventsUpToItsBound() {
    DroidEventLog log = new DroidEventLog();
    for (int i = 0; i < DroidEventLog.MAX_EVENTS + 10; i++) {
      log.append(message("m" + i), java.time.Instant.EPOCH);
    }
    assertThat(log.droppedThrough()).isEqualTo(10);
    assertThat(log.after(0, 1).get(0).getIndex()).isEqualTo(11);
    assertThat(log.lastIndex()).isEqualTo(DroidEventLog.MAX_EVENTS + 10);
  }
}

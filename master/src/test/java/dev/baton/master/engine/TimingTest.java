package dev.baton.master.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.master.testing.FakeSubOrchestrator;
import dev.baton.master.testing.ManualClock;
import dev.baton.master.testing.ManualMesh;
import dev.baton.master.testing.Plans;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskState;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.resilience.ResilienceConfig;
import dev.baton.v1.InstanceHealth;
import dev.baton.v1.RecoveryResult;
import dev.baton.v1.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's timers on a manual clock, against fake instances in process: retry backoff, the
 * plan deadline, sync timeouts, the wait for an instance, each seen to fire exactly when its time
 * comes and not a millisecond before. Plans run at time scale 1 (plan minutes are manual minutes).
 */
class TimingTest {
  static final double SCALE = 1.0;
  /** The engine checks waits (sync timeouts, instance waits) on its ticker: one tick past is late enough. */
  static final Duration TICK = Duration.ofMillis(100);

  private ManualMesh mesh;
  /** The mesh's master, for the journal replay check that runs after every test. */
  private MasterServer master;

  ManualMesh mesh(MasterConfig.Builder config) {
    mesh = ManualMesh.start(config.conflictDetector(dev.baton.master.sync.ConflictDetector.none()));
    master = mesh.master;
    return mesh;
  }

  @AfterEach
  void close() throws Exception {
    if (mesh != null) {
      mesh.close();
    }
  }

  /** Kinds of the plan's events that concern {@code task}, in order. */
  static List<String> kindsOf(List<PlanEvent> events, String task) {
    return events.stream().filter(e -> task.equals(taskOf(e))).map(e -> e.getKindCase().name()).toList();
  }

  static String taskOf(PlanEvent e) {
    return switch (e.getKindCase()) {
      case TASK_READY -> e.getTaskReady().getTaskId();
      case TASK_DELEGATED -> e.getTaskDelegated().getTaskId();
      case TASK_STARTED -> e.getTaskStarted().getTaskId();
      case TASK_SUCCEEDED -> e.getTaskSucceeded().getTaskId();
      case TASK_FAILED -> e.getTaskFailed().getTaskId();
      case TASK_RETRIED -> e.getTaskRetried().getTaskId();
      case TASK_CANCELLED -> e.getTaskCancelled().getTaskId();
      default -> "";
    };
  }

  @Test
  void aFailedAttemptIsRetriedExactlyWhenItsBackoffEnds() {
    mesh(MasterConfig.builder());
    FakeSubOrchestrator b1 = mesh.fake("backend-1", "backend", 4);
    String id = mesh.master.submit(Plans.plan("retry").retries(2)
        .task("flaky", "backend", 1, Plans.failFirst(1)).build(), SCALE);
    mesh.clock.advanceUntil(() -> !mesh.events(id, PlanEvent.KindCase.TASK_RETRIED).isEmpty(), Duration.ofMinutes(2));
    long backoffMs = mesh.events(id, PlanEvent.KindCase.TASK_RETRIED).get(0).getTaskRetried().getBackoffMs();
    assertThat(backoffMs).as("a backoff, scaled plan time").isPositive();
    List<String> failed = kindsOf(mesh.events(id), "flaky");

    mesh.clock.advance(Duration.ofMillis(backoffMs - 1));
    assertThat(kindsOf(mesh.events(id), "flaky")).as("nothing before the backoff ends").isEqualTo(failed);
    assertThat(b1.started()).containsExactly("flaky#1");

    mesh.clock.advance(Duration.ofMillis(1));
    assertThat(kindsOf(mesh.events(id), "flaky").subList(failed.size(), kindsOf(mesh.events(id), "flaky").size()))
        .as("the retry goes out the moment the backoff ends").startsWith("TASK_READY", "TASK_DELEGATED");
    assertThat(b1.started()).containsExactly("flaky#1", "flaky#2");

    PlanStatus s = mesh.runToEnd(id, Duration.ofMinutes(5));
    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(s.getTasks(0).getAttempt()).isEqualTo(2);
  }

  @Test
  void thePlanDeadlineFiresAtItsInstantCancelsTheOutstandingWorkAndFailsThePlan() {
    mesh(MasterConfig.builder());
    FakeSubOrchestrator b1 = mesh.fake("backend-1", "backend", 4);
    String id = mesh.master.submit(Plans.plan("slow").deadline(Duration.ofMinutes(3))
        .task("stuck", "backend", 1, Plans.hang()).build(), SCALE);
    mesh.clock.settle();
    Instant accepted = time(mesh.events(id, PlanEvent.KindCase.PLAN_ACCEPTED).get(0));
    Instant deadline = accepted.plus(Duration.ofMinutes(3));

    mesh.clock.advance(Duration.between(mesh.clock.instant(), deadline).minusMillis(1));
    assertThat(mesh.status(id).getState()).as("a millisecond before the deadline").isEqualTo(PlanState.PLAN_STATE_RUNNING);
    assertThat(b1.cancelled).isEmpty();

    mesh.clock.advance(Duration.ofMillis(1));
    PlanStatus s = mesh.status(id);
    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_FAILED);
    assertThat(s.getReason()).contains("plan deadline PT3M").contains("exceeded");
    assertThat(s.getTasks(0).getState()).isEqualTo(TaskState.TASK_STATE_CANCELLED);
    assertThat(time(last(mesh.events(id)))).isEqualTo(deadline);
    assertThat(b1.cancelled).as("the instance was told to stop, before the test's barrier returned")
        .containsExactly("stuck");
  }

  @Test
  void aLooseSyncPointWaitsItsTimeoutForTheMissingParticipantThenGoesOnWithoutIt() {
    mesh(MasterConfig.builder());
    mesh.fake("backend-1", "backend", 4, Map.of("openapi.yaml", "openapi: 3.0.0"));
    mesh.fake("frontend-1", "frontend", 4).ignoreSync();
    String id = mesh.master.submit(Plans.plan("loose")
        .task("a", "backend", 1).task("b", "frontend", 1)
        .sync("contract", PlanModel.SyncMode.LOOSE, List.of("frontend", "backend"), List.of("a"), List.of("b"))
        .build(), SCALE);
    mesh.clock.advanceUntil(() -> !mesh.events(id, PlanEvent.KindCase.SYNC_POINT_REACHED).isEmpty(),
        Duration.ofMinutes(5));
    Instant reached = time(mesh.events(id, PlanEvent.KindCase.SYNC_POINT_REACHED).get(0));
    Instant timeout = reached.plus(Duration.ofMinutes(2)); // the point's timeout, plan time at scale 1

    mesh.clock.advance(Duration.between(mesh.clock.instant(), timeout).minusMillis(1));
    assertThat(mesh.events(id, PlanEvent.KindCase.SYNC_POINT_RELEASED)).as("still waiting for frontend-1").isEmpty();
    assertThat(kindsOf(mesh.events(id), "b")).doesNotContain("TASK_DELEGATED");

    mesh.clock.advance(TICK);
    List<PlanEvent> released = mesh.events(id, PlanEvent.KindCase.SYNC_POINT_RELEASED);
    assertThat(released).as("released at the first tick past the timeout").hasSize(1);
    assertThat(Duration.between(timeout, time(released.get(0)))).isBetween(Duration.ZERO, TICK);
    assertThat(released.get(0).getSyncPointReleased().getResult().getMissingList()).containsExactly("frontend-1");
    assertThat(released.get(0).getSyncPointReleased().getResult().getSharedStateList())
        .extracting(st -> st.getInstanceId()).containsExactly("backend-1");
    assertThat(kindsOf(mesh.events(id), "b")).as("the gated task goes once the point is released")
        .contains("TASK_DELEGATED");

    assertThat(mesh.runToEnd(id, Duration.ofMinutes(5)).getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
  }

  @Test
  void aTaskWithoutAnInstanceOfItsDomainFailsOnceTheInstanceWaitIsOverAndNotBefore() {
    mesh(MasterConfig.builder().instanceWait(Duration.ofSeconds(30)));
    mesh.fake("frontend-1", "frontend", 4);
    String id = mesh.master.submit(Plans.plan("lonely").task("ui", "frontend", 1).task("api", "backend", 1).build(),
        SCALE);
    mesh.clock.settle();
    Instant readyAt = mesh.clock.instant();
    assertThat(task(mesh.status(id), "api").getState()).isEqualTo(TaskState.TASK_STATE_READY);

    mesh.clock.advance(Duration.ofSeconds(30).minusMillis(1));
    assertThat(task(mesh.status(id), "api").getState()).as("still waiting").isEqualTo(TaskState.TASK_STATE_READY);

    mesh.clock.advance(TICK);
    assertThat(task(mesh.status(id), "api").getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
    assertThat(task(mesh.status(id), "api").getLastError()).isEqualTo("No orchestrator found for specialization: backend");
    PlanEvent failed = mesh.events(id, PlanEvent.KindCase.TASK_FAILED).get(0);
    assertThat(Duration.between(readyAt.plusSeconds(30), time(failed))).isBetween(Duration.ZERO, TICK);

    PlanStatus s = mesh.runToEnd(id, Duration.ofMinutes(5));
    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_FAILED);
    assertThat(s.getReason()).contains("api").contains("No orchestrator found for specialization: backend");
    assertThat(task(s, "ui").getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
  }

  @Test
  void aReadyTaskGoesTheMomentAnInstanceRegistersWithinTheWait() {
    mesh(MasterConfig.builder().instanceWait(Duration.ofSeconds(30)));
    String id = mesh.master.submit(Plans.plan("late").task("api", "backend", 1).build(), SCALE);
    mesh.clock.advance(Duration.ofSeconds(29));
    assertThat(task(mesh.status(id), "api").getState()).isEqualTo(TaskState.TASK_STATE_READY);

    FakeSubOrchestrator b1 = mesh.fake("backend-1", "backend", 1);
    assertThat(b1.started()).as("delegated on registration, no time passing").containsExactly("api#1");
    assertThat(time(mesh.events(id, PlanEvent.KindCase.TASK_DELEGATED).get(0))).isEqualTo(mesh.clock.instant());

    PlanStatus s = mesh.runToEnd(id, Duration.ofMinutes(5));
    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(time(mesh.events(id, PlanEvent.KindCase.TASK_SUCCEEDED).get(0)))
        .as("the fake's one-minute task took one manual minute")
        .isEqualTo(time(mesh.events(id, PlanEvent.KindCase.TASK_DELEGATED).get(0)).plus(Duration.ofMinutes(1)));
  }

  @Test
  void anInstanceNeverHasMoreThanTheWindowOfDelegatesUnanswered() {
    mesh(MasterConfig.builder());
    FakeSubOrchestrator b1 = mesh.fake("backend-1", "backend", 200);
    b1.withholdAnswers();
    Plans p = Plans.plan("window");
    for (int i = 0; i < 100; i++) {
      p.task("t" + i, "backend", 1);
    }
    String id = mesh.master.submit(p.build(), SCALE);

    mesh.clock.settle(); // everything the engine decided to send has been sent, and no time passed
    assertThat(b1.delegateCalls.get()).isEqualTo(Engine.DELEGATE_WINDOW);
    assertThat(mesh.events(id, PlanEvent.KindCase.TASK_DELEGATED)).hasSize(Engine.DELEGATE_WINDOW);
    b1.answer();
    mesh.clock.settle();
    assertThat(b1.delegateCalls.get()).as("the rest went as answers freed the window").isEqualTo(100);

    PlanStatus s = mesh.runToEnd(id, Duration.ofMinutes(5));
    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(s.getTasksList()).allSatisfy(t -> assertThat(t.getAttempt()).isEqualTo(1));
  }

  @Test
  void restartKeepsTheTaskWhenTheInstanceComesBackWithinTheGrace() {
    mesh(MasterConfig.builder().resilience(ResilienceConfig.builder().restartGrace(Duration.ofSeconds(30)).build()));
    FakeSubOrchestrator b1 = mesh.fake("backend-1", "backend", 4);
    FakeSubOrchestrator b2 = mesh.fake("backend-2", "backend", 4);
    String id = mesh.master.submit(Plans.plan("restart").policy(PlanModel.DelegationPolicy.ROUND_ROBIN)
        .failureHandling(PlanModel.FailureHandling.RESTART).task("a", "backend", 5).build(), SCALE);
    mesh.clock.settle();
    assertThat(b1.started()).containsExactly("a#1");
    b1.disconnect(); // its Coordinate stream is lost; its server and the task go on
    mesh.clock.settle();
    assertThat(mesh.health().get("backend-1")).isEqualTo(InstanceHealth.INSTANCE_HEALTH_OFFLINE);

    mesh.clock.advance(Duration.ofSeconds(29));
    assertThat(mesh.status(id).getRecoveriesList()).as("undecided within the grace").isEmpty();
    b1.reconnect();
    mesh.clock.advance(TICK);
    assertThat(mesh.status(id).getRecoveriesList()).singleElement().satisfies(r -> {
      assertThat(r.getRecoveryType()).isEqualTo("restart");
      assertThat(r.getBackupOrchestrator()).isEqualTo("backend-1");
      assertThat(r.getTasksTransferred()).isZero();
      assertThat(r.getDetection()).isEqualTo("coordinate stream lost");
      assertThat(r.getReason()).contains("came back");
    });

    PlanStatus s = mesh.runToEnd(id, Duration.ofMinutes(10));
    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(b2.started()).isEmpty();
    assertThat(mesh.events(id, PlanEvent.KindCase.TASK_SUCCEEDED)).singleElement()
        .satisfies(e -> assertThat(e.getTaskSucceeded().getInstanceId()).isEqualTo("backend-1"))
        .satisfies(e -> assertThat(e.getTaskSucceeded().getAttempt()).isEqualTo(1));
  }

  @Test
  void restartFailsOverExactlyWhenTheGraceRunsOut() {
    mesh(MasterConfig.builder().resilience(ResilienceConfig.builder().restartGrace(Duration.ofSeconds(30)).build()));
    FakeSubOrchestrator b1 = mesh.fake("backend-1", "backend", 4);
    FakeSubOrchestrator b2 = mesh.fake("backend-2", "backend", 4);
    String id = mesh.master.submit(Plans.plan("restart-late").policy(PlanModel.DelegationPolicy.ROUND_ROBIN)
        .failureHandling(PlanModel.FailureHandling.RESTART).task("a", "backend", 5).build(), SCALE);
    mesh.clock.settle();
    assertThat(b1.started()).containsExactly("a#1");
    b1.shutdownServer();
    b1.disconnect();
    mesh.clock.settle();
    Instant lost = mesh.clock.instant();

    mesh.clock.advance(Duration.ofSeconds(30).minusMillis(1));
    assertThat(b2.started()).as("nothing moves within the grace").isEmpty();
    mesh.clock.advance(Duration.ofMillis(1));
    assertThat(b2.started()).as("the task moves when the grace ends").containsExactly("a#2");
    RecoveryResult r = mesh.status(id).getRecoveries(0);
    assertThat(r.getRecoveryType()).isEqualTo("failover");
    assertThat(r.getReason()).startsWith("backend-1 did not come back within 30000 ms");
    assertThat(r.getBackupOrchestrator()).isEqualTo("backend-2");
    assertThat(time(mesh.events(id, PlanEvent.KindCase.TASK_DELEGATED).get(1))).isEqualTo(lost.plusSeconds(30));

    assertThat(mesh.runToEnd(id, Duration.ofMinutes(10)).getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
  }

  @Test
  void anEventualSyncPointHoldsNothingBackAndReleasesAtItsTimeoutWithWhoArrived() {
    mesh(MasterConfig.builder());
    mesh.fake("backend-1", "backend", 4);
    mesh.fake("frontend-1", "frontend", 4).ignoreSync();
    String id = mesh.master.submit(Plans.plan("eventual")
        .task("a", "backend", 1).task("b", "frontend", 1)
        .sync("contract", PlanModel.SyncMode.EVENTUAL, List.of("frontend", "backend"), List.of("a"), List.of("b"))
        .build(), SCALE);
    mesh.clock.advanceUntil(() -> !mesh.events(id, PlanEvent.KindCase.SYNC_POINT_REACHED).isEmpty(),
        Duration.ofMinutes(5));
    assertThat(kindsOf(mesh.events(id), "b")).as("the gate opens as the point is reached, before any arrival counts")
        .contains("TASK_DELEGATED");
    Instant timeout = time(mesh.events(id, PlanEvent.KindCase.SYNC_POINT_REACHED).get(0)).plus(Duration.ofMinutes(2));
    mesh.clock.advance(Duration.between(mesh.clock.instant(), timeout).minusMillis(1));
    assertThat(mesh.events(id, PlanEvent.KindCase.SYNC_POINT_RELEASED)).isEmpty();
    mesh.clock.advance(TICK);
    List<PlanEvent> released = mesh.events(id, PlanEvent.KindCase.SYNC_POINT_RELEASED);
    assertThat(released).hasSize(1);
    assertThat(released.get(0).getSyncPointReleased().getResult().getMode()).isEqualTo("eventual");
    assertThat(released.get(0).getSyncPointReleased().getResult().getMissingList()).containsExactly("frontend-1");

    assertThat(mesh.runToEnd(id, Duration.ofMinutes(5)).getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
  }

  @Test
  void aSyncPointWithoutAnyInstanceOfAParticipantFailsThePlanOnceTheInstanceWaitIsOver() {
    mesh(MasterConfig.builder().instanceWait(Duration.ofSeconds(30)));
    mesh.fake("backend-1", "backend", 4);
    String id = mesh.master.submit(Plans.plan("nobody").task("a", "backend", 1).task("b", "backend", 1)
        .sync("handover", PlanModel.SyncMode.TIGHT, List.of("backend", "testing"), List.of("a"), List.of("b"))
        .build(), SCALE);
    mesh.clock.advanceUntil(() -> !mesh.events(id, PlanEvent.KindCase.SYNC_POINT_REACHED).isEmpty(),
        Duration.ofMinutes(5));
    Instant reached = time(mesh.events(id, PlanEvent.KindCase.SYNC_POINT_REACHED).get(0));

    mesh.clock.advance(Duration.between(mesh.clock.instant(), reached.plusSeconds(30)).minusMillis(1));
    assertThat(mesh.status(id).getState()).as("waiting for a testing instance").isEqualTo(PlanState.PLAN_STATE_RUNNING);
    mesh.clock.advance(TICK);
    PlanStatus s = mesh.status(id);
    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_FAILED);
    assertThat(s.getReason()).isEqualTo("sync point 'handover': No orchestrator found for specialization: testing");
    assertThat(task(s, "b").getState()).isEqualTo(TaskState.TASK_STATE_CANCELLED);
  }

  @Test
  void aHungInstanceIsCaughtWithinTheHeartbeatTimeoutAndItsLateResultIsIgnored() {
    Duration heartbeatTimeout = Duration.ofSeconds(5);
    mesh(MasterConfig.builder().heartbeatInterval(Duration.ofSeconds(1)).heartbeatTimeout(heartbeatTimeout)
        .resilience(ResilienceConfig.builder().callDeadline(Duration.ofSeconds(1))
            .watchIdleTimeout(Duration.ofSeconds(2)).build()));
    FakeSubOrchestrator b1 = mesh.fake("backend-1", "backend", 4);
    FakeSubOrchestrator b2 = mesh.fake("backend-2", "backend", 4);
    // The longer task is dispatched first (most remaining work), so round robin puts a on backend-1.
    String id = mesh.master.submit(Plans.plan("hung").policy(PlanModel.DelegationPolicy.ROUND_ROBIN)
        .task("a", "backend", 10).task("b", "backend", 5).build(), SCALE);
    mesh.clock.settle();
    assertThat(b1.started()).containsExactly("a#1");
    Instant hungAt = mesh.clock.instant();
    b1.hang();

    mesh.clock.advanceUntil(() -> mesh.status(id).getRecoveriesCount() == 1, heartbeatTimeout.plusSeconds(1));
    RecoveryResult r = mesh.status(id).getRecoveries(0);
    assertThat(Duration.between(hungAt, Events.instant(r.getDetectedAt())))
        .as("caught by deadlines and heartbeats (%s), not the task's ten minutes", r.getDetection())
        .isLessThanOrEqualTo(heartbeatTimeout.plus(TICK));
    assertThat(r.getRecoveryType()).isEqualTo("failover");
    assertThat(r.getTaskIdsList()).containsExactly("a");
    assertThat(b2.started()).contains("a#2");

    b1.resume(); // a's first attempt now finishes on backend-1: too late
    PlanStatus s = mesh.runToEnd(id, Duration.ofMinutes(30));
    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(mesh.events(id, PlanEvent.KindCase.TASK_SUCCEEDED)).extracting(e -> e.getTaskSucceeded().getTaskId())
        .containsExactlyInAnyOrder("a", "b");
    List<PlanEvent> ignored = mesh.events(id, PlanEvent.KindCase.TASK_RESULT_IGNORED);
    assertThat(ignored).singleElement().satisfies(e -> {
      assertThat(e.getTaskResultIgnored().getTaskId()).isEqualTo("a");
      assertThat(e.getTaskResultIgnored().getAttempt()).isEqualTo(1);
      assertThat(e.getTaskResultIgnored().getInstanceId()).isEqualTo("backend-1");
      assertThat(e.getTaskResultIgnored().getOutcome()).isEqualTo("succeeded");
    });
    assertThat(task(s, "a").getInstanceId()).isEqualTo("backend-2");
    assertThat(task(s, "a").getAttempt()).isEqualTo(2);
  }

  @Test
  void anOpenBreakerKeepsWorkAwayForItsWholeWaitThenAHalfOpenProbeClosesIt() {
    Duration wait = Duration.ofMinutes(10); // longer than the first plan runs
    mesh(MasterConfig.builder().resilience(ResilienceConfig.builder().waitInOpenState(wait).build()));
    FakeSubOrchestrator b1 = mesh.fake("backend-1", "backend", 8);
    FakeSubOrchestrator b2 = mesh.fake("backend-2", "backend", 8);
    b1.failDelegates(io.grpc.Status.INTERNAL.withDescription("broken"));
    String id = mesh.master.submit(chain("breaker", "t", 6), SCALE);
    mesh.clock.advanceUntil(() -> mesh.health().get("backend-1") == InstanceHealth.INSTANCE_HEALTH_OFFLINE,
        Duration.ofMinutes(30));
    Instant opened = mesh.clock.instant();
    int callsWhenOpened = b1.delegateCalls.get();
    assertThat(callsWhenOpened).as("3 failed calls open the breaker (INTERNAL is not retried)").isEqualTo(3);
    assertThat(mesh.runToEnd(id, Duration.ofMinutes(30)).getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(b1.delegateCalls.get()).as("no work while open").isEqualTo(callsWhenOpened);
    assertThat(b2.started()).hasSize(6);

    b1.failDelegates(null);
    mesh.clock.advance(Duration.between(mesh.clock.instant(), opened.plus(wait)).minusMillis(1));
    String id2 = mesh.master.submit(chain("probe", "u", 4), SCALE);
    mesh.clock.settle();
    assertThat(b1.delegateCalls.get()).as("still open a millisecond before its wait ends").isEqualTo(callsWhenOpened);
    assertThat(mesh.health().get("backend-1")).isEqualTo(InstanceHealth.INSTANCE_HEALTH_OFFLINE);

    assertThat(mesh.runToEnd(id2, Duration.ofMinutes(30)).getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(b1.started()).as("the probe went through and closed the breaker, then round robin resumed")
        .hasSize(2);
    assertThat(mesh.health().get("backend-1")).isEqualTo(InstanceHealth.INSTANCE_HEALTH_HEALTHY);
  }

  /** A chain of one-minute tasks under round robin, so that calls go one at a time. */
  static dev.baton.master.plan.PlanModel.Plan chain(String name, String prefix, int n) {
    Plans p = Plans.plan(name).policy(PlanModel.DelegationPolicy.ROUND_ROBIN);
    for (int i = 0; i < n; i++) {
      p.task(prefix + i, "backend", 1, i == 0 ? new String[0] : new String[] {prefix + (i - 1)});
    }
    return p.build();
  }

  /** One run of a plan with a retry and a sync point, as (kind, task, time) lines, and the plan's id. */
  private List<String> oneRun() {
    mesh(MasterConfig.builder());
    mesh.fake("backend-1", "backend", 2, Map.of("openapi.yaml", "openapi: 3.0.0"));
    mesh.fake("backend-2", "backend", 2);
    mesh.fake("frontend-1", "frontend", 2, Map.of("api-client.ts", "fetch('/products')"));
    String id = mesh.master.submit(Plans.plan("repeat").retries(2)
        .task("api", "backend", 3, Plans.failFirst(1)).task("db", "backend", 2).task("ui", "frontend", 2)
        .task("wire", "frontend", 1, "ui")
        .sync("contract", PlanModel.SyncMode.TIGHT, List.of("frontend", "backend"), List.of("api"), List.of("wire"))
        .build(), SCALE);
    assertThat(mesh.runToEnd(id, Duration.ofMinutes(30)).getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    List<String> lines = new java.util.ArrayList<>();
    lines.add("plan " + id);
    for (PlanEvent e : mesh.events(id)) {
      String instance = e.hasTaskDelegated() ? " on " + e.getTaskDelegated().getInstanceId() : "";
      lines.add(Duration.between(ManualClock.DEFAULT_START, time(e)) + " " + e.getKindCase() + " " + taskOf(e) + instance);
    }
    mesh.close();
    mesh = null;
    return lines;
  }

  @Test
  void aSeededMasterOnManualTimeRepeatsARunExactly() {
    List<String> first = oneRun();
    List<String> second = oneRun();
    assertThat(first).as("sanity: the run retried and passed a sync point")
        .anyMatch(l -> l.contains("TASK_RETRIED api")).anyMatch(l -> l.contains("SYNC_POINT_RELEASED"));
    // Events of one instant from different instances (separate lanes) may interleave either way;
    // everything else repeats: the plan id, the instants, each event's kind, task and instance.
    assertThat(byInstant(second)).as("same plan id, same events at the same instants on the same instances")
        .containsExactlyElementsOf(byInstant(first));
    assertThat(perTask(second)).as("each task's events in the same order").isEqualTo(perTask(first));
  }

  /** The lines with those of one instant sorted (the instant is each line's first word). */
  private static List<String> byInstant(List<String> lines) {
    List<String> out = new java.util.ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String instant = lines.get(i).split(" ", 2)[0];
      int j = i;
      while (j < lines.size() && lines.get(j).split(" ", 2)[0].equals(instant)) {
        j++;
      }
      out.addAll(lines.subList(i, j).stream().sorted().toList());
      i = j;
    }
    return out;
  }

  /** Each task's lines in their order (the task is each line's third word). */
  private static Map<String, List<String>> perTask(List<String> lines) {
    Map<String, List<String>> out = new java.util.TreeMap<>();
    for (String l : lines) {
      String[] w = l.split(" ");
      if (w.length > 2 && !w[2].isEmpty()) {
        out.computeIfAbsent(w[2], k -> new java.util.ArrayList<>()).add(l);
      }
    }
    return out;
  }

  static Instant time(PlanEvent e) {
    return Events.instant(e.getTime());
  }

  static PlanEvent last(List<PlanEvent> events) {
    return events.get(events.size() - 1);
  }

  static TaskStatus task(PlanStatus s, String id) {
    return s.getTasksList().stream().filter(t -> t.getId().equals(id)).findFirst().orElseThrow();
  }
}

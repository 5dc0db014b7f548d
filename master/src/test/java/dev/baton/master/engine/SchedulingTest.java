package dev.baton.master.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.testing.FakeSubOrchestrator;
import dev.baton.master.testing.Plans;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler against fake sub-orchestrators on localhost (real Netty): strategies, dependencies,
 * gates, retries. What is about time (backoff, deadlines, sync timeouts, instance waits, the
 * delegate window) is in {@link TimingTest}, on a manual clock.
 */
class SchedulingTest {
  static final double SCALE = 0.001; // one plan minute = 60 ms

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private MasterServer master;

  MasterServer master() {
    master = MasterServer.start(MasterConfig.builder()
        .instanceWait(Duration.ofMillis(500))
        .syncTimeoutFloor(Duration.ofMillis(300))
        // the fakes publish placeholder documents: scheduling, not detection, is under test here
        .conflictDetector(dev.baton.master.sync.ConflictDetector.none())
        .build());
    closeables.add(master);
    return master;
  }

  FakeSubOrchestrator fake(String id, String domain, int max) {
    FakeSubOrchestrator f = FakeSubOrchestrator.start(id, domain, max, master.address());
    closeables.add(0, f);
    return f;
  }

  void awaitRegistered(int n) {
    await().atMost(Duration.ofSeconds(5)).until(() ->
        master.store() != null && countHealthy() >= n);
  }

  private int countHealthy() {
    var stub = dev.baton.v1.MasterGrpc.newBlockingStub(channel());
    return (int) stub.listOrchestrators(dev.baton.v1.ListOrchestratorsRequest.getDefaultInstance())
        .getInstancesList().stream().filter(i -> i.getHealth() == dev.baton.v1.InstanceHealth.INSTANCE_HEALTH_HEALTHY)
        .count();
  }

  private io.grpc.ManagedChannel channel;

  io.grpc.ManagedChannel channel() {
    if (channel == null) {
      channel = io.grpc.netty.NettyChannelBuilder.forTarget(master.address()).usePlaintext().build();
      closeables.add(0, channel::shutdownNow);
    }
    return channel;
  }

  PlanStatus run(PlanModel.Plan plan) {
    String id = master.submit(plan, SCALE);
    await().atMost(Duration.ofSeconds(20)).until(() -> finished(master.store().status(id).orElseThrow()));
    return master.store().status(id).orElseThrow();
  }

  static boolean finished(PlanStatus s) {
    return s.getState() == PlanState.PLAN_STATE_SUCCEEDED || s.getState() == PlanState.PLAN_STATE_FAILED
        || s.getState() == PlanState.PLAN_STATE_CANCELLED;
  }

  List<PlanEvent> events(PlanStatus s) {
    return master.store().read(s.getPlanId(), 0);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  /** Intervals (by event sequence) from each task's TaskStarted to its end, for overlap checks. */
  record Interval(String task, String instance, long start, long end) {
    boolean overlaps(Interval o) {
      return start < o.end && o.start < end;
    }
  }

  /**
   * The most intervals open at one moment (sequence numbers order the moments). Counting the
   * intervals that overlap a given one is not the same: a long interval may overlap two short ones
   * that never overlap each other.
   */
  static int maxConcurrent(List<Interval> intervals) {
    List<long[]> edges = new ArrayList<>();
    for (Interval i : intervals) {
      edges.add(new long[] {i.start(), 1});
      edges.add(new long[] {i.end(), -1});
    }
    edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int open = 0;
    int max = 0;
    for (long[] e : edges) {
      open += (int) e[1];
      max = Math.max(max, open);
    }
    return max;
  }

  static List<Interval> intervals(List<PlanEvent> events) {
    Map<String, PlanEvent> open = new HashMap<>();
    List<Interval> out = new ArrayList<>();
    for (PlanEvent e : events) {
      switch (e.getKindCase()) {
        case TASK_STARTED -> open.put(e.getTaskStarted().getTaskId(), e);
        case TASK_SUCCEEDED, TASK_FAILED, TASK_CANCELLED -> {
          String id = switch (e.getKindCase()) {
            case TASK_SUCCEEDED -> e.getTaskSucceeded().getTaskId();
            case TASK_FAILED -> e.getTaskFailed().getTaskId();
            default -> e.getTaskCancelled().getTaskId();
          };
          PlanEvent s = open.remove(id);
          if (s != null) {
            out.add(new Interval(id, s.getTaskStarted().getInstanceId(), s.getSequence(), e.getSequence()));
          }
        }
        default -> { }
      }
    }
    return out;
  }

  static long seqOf(List<PlanEvent> events, PlanEvent.KindCase kind, String key) {
    for (PlanEvent e : events) {
      if (e.getKindCase() != kind) {
        continue;
      }
      String k = switch (kind) {
        case TASK_STARTED -> e.getTaskStarted().getTaskId();
        case TASK_SUCCEEDED -> e.getTaskSucceeded().getTaskId();
        case TASK_DELEGATED -> e.getTaskDelegated().getTaskId();
        case SYNC_POINT_RELEASED -> e.getSyncPointReleased().getName();
        default -> "";
      };
      if (k.equals(key)) {
        return e.getSequence();
      }
    }
    return -1;
  }

  static TaskStatus task(PlanStatus s, String id) {
    return s.getTasksList().stream().filter(t -> t.getId().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void parallelNeverSendsAnInstanceMoreThanItsMaxConcurrentTasks() {
    master();
    FakeSubOrchestrator b1 = fake("backend-1", "backend", 2);
    FakeSubOrchestrator b2 = fake("backend-2", "backend", 1);
    awaitRegistered(2);
    Plans p = Plans.plan("burst");
    for (int i = 0; i < 9; i++) {
      p.task("t" + i, "backend", 2);
    }
    PlanStatus s = run(p.build());

    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(b1.maxOutstanding()).isLessThanOrEqualTo(2);
    assertThat(b2.maxOutstanding()).isLessThanOrEqualTo(1);
    assertThat(b1.records.stream().filter(r -> r.kind().equals("started")).count()
        + b2.records.stream().filter(r -> r.kind().equals("started")).count()).isEqualTo(9);
    assertThat(b1.maxOutstanding()).as("parallel uses the slots it has").isEqualTo(2);
    for (String id : List.of("backend-1", "backend-2")) {
      int max = id.equals("backend-1") ? 2 : 1;
      List<Interval> on = intervals(events(s)).stream().filter(i -> i.instance().equals(id)).toList();
      assertThat(maxConcurrent(on)).as("tasks running at once on %s", id).isLessThanOrEqualTo(max);
    }
  }

  @Test
  void whenTasksOutnumberSlotsTheLongestRemainingChainGoesFirst() {
    master();
    fake("backend-1", "backend", 1);
    awaitRegistered(1);
    // Plan order says a first; b leads a 25-minute chain (b, then c), a is 5 minutes on its own.
    PlanStatus s = run(Plans.plan("priority")
        .task("a", "backend", 5)
        .task("b", "backend", 5)
        .task("c", "backend", 20, "b")
        .build());

    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(events(s).stream().filter(PlanEvent::hasTaskDelegated).map(e -> e.getTaskDelegated().getTaskId()))
        .as("delegation order: most remaining work first, c (20) before a (5) once b is done")
        .containsExactly("b", "c", "a");
  }

  @Test
  void eventTimesNeverGoBackwardsAndStartsCarryTheInstancesClock() {
    master();
    fake("backend-1", "backend", 2);
    awaitRegistered(1);
    PlanStatus s = run(Plans.plan("clock").task("a", "backend", 1).task("b", "backend", 1, "a").build());

    List<PlanEvent> ev = events(s);
    for (int i = 1; i < ev.size(); i++) {
      assertThat(com.google.protobuf.util.Timestamps.compare(ev.get(i).getTime(), ev.get(i - 1).getTime()))
          .as("event %s after %s", ev.get(i).getSequence(), ev.get(i - 1).getSequence()).isGreaterThanOrEqualTo(0);
    }
    assertThat(ev.stream().filter(PlanEvent::hasTaskStarted).toList()).hasSize(2)
        .allSatisfy(e -> assertThat(e.getTaskStarted().hasStartedAt()).isTrue());
    assertThat(s.getTasksList()).allSatisfy(t -> assertThat(t.getStartedAt())
        .isEqualTo(ev.stream().filter(e -> e.hasTaskStarted() && e.getTaskStarted().getTaskId().equals(t.getId()))
            .findFirst().orElseThrow().getTaskStarted().getStartedAt()));
  }

  @Test
  void concurrencyIsCountedPerMomentNotPerOverlap() {
    // t5 overlaps t3 and t6, which never run together: two at once, not three.
    List<Interval> run = List.of(new Interval("t3", "b", 25, 33), new Interval("t5", "b", 31, 41),
        new Interval("t6", "b", 36, 45));
    assertThat(maxConcurrent(run)).isEqualTo(2);
    assertThat(maxConcurrent(List.of(new Interval("a", "b", 1, 10), new Interval("c", "b", 2, 9),
        new Interval("d", "b", 3, 4)))).isEqualTo(3);
  }

  @Test
  void sequentialNeverRunsTwoTasksAtOnceAndCheckpointsEach() {
    master();
    fake("backend-1", "backend", 4);
    fake("frontend-1", "frontend", 4);
    awaitRegistered(2);
    PlanStatus s = run(Plans.plan("seq").strategy(PlanModel.Strategy.SEQUENTIAL_CHECKPOINTED)
        .task("a", "backend", 1).task("b", "frontend", 1).task("c", "backend", 1, "a").task("d", "frontend", 1)
        .build());

    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    List<Interval> iv = intervals(events(s));
    assertThat(iv).hasSize(4);
    for (Interval i : iv) {
      assertThat(iv.stream().filter(o -> o != i && o.overlaps(i))).isEmpty();
    }
    assertThat(iv).extracting(Interval::task).containsExactly("a", "b", "c", "d");
    assertThat(s.getCheckpointsList()).hasSize(4)
        .allSatisfy(c -> assertThat(c.getTaskStatesMap()).hasSize(4));
  }

  @Test
  void hybridRunsDomainsInParallelButNeverTwoTasksOfOneDomain() {
    master();
    fake("backend-1", "backend", 4);
    fake("frontend-1", "frontend", 4);
    awaitRegistered(2);
    PlanStatus s = run(Plans.plan("hybrid").strategy(PlanModel.Strategy.HYBRID_PARALLEL_SEQUENTIAL)
        .task("b1", "backend", 2).task("f1", "frontend", 2).task("b2", "backend", 2).task("f2", "frontend", 2)
        .task("b3", "backend", 2).build());

    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    List<Interval> iv = intervals(events(s));
    Map<String, String> domain = Map.of("b1", "backend", "b2", "backend", "b3", "backend", "f1", "frontend",
        "f2", "frontend");
    boolean crossOverlap = false;
    for (Interval i : iv) {
      for (Interval o : iv) {
        if (o != i && o.overlaps(i)) {
          assertThat(domain.get(o.task())).as(i.task() + " overlaps " + o.task()).isNotEqualTo(domain.get(i.task()));
          crossOverlap = true;
        }
      }
    }
    assertThat(crossOverlap).as("domains ran in parallel").isTrue();
    assertThat(iv.stream().filter(i -> domain.get(i.task()).equals("backend")).map(Interval::task))
        .containsExactly("b1", "b2", "b3");
    assertThat(s.getCheckpointsList()).filteredOn(c -> c.getOrchestrator().equals("frontend"))
        .allSatisfy(c -> assertThat(c.getTaskStatesMap().keySet()).containsExactlyInAnyOrder("f1", "f2"));
  }

  @Test
  void noTaskStartsBeforeItsDependenciesSucceededNorBeforeItsSyncPointIsReleased() {
    master();
    FakeSubOrchestrator back = new FakeSubOrchestrator("backend-1", "backend", 4, master.address(),
        Map.of("openapi.yaml", "openapi: 3.0.0"));
    closeables.add(0, back);
    FakeSubOrchestrator front = new FakeSubOrchestrator("frontend-1", "frontend", 4, master.address(),
        Map.of("api-client.ts", "fetch('/products')"));
    closeables.add(0, front);
    awaitRegistered(2);
    PlanStatus s = run(Plans.plan("gates")
        .task("api-design", "backend", 2)
        .task("api", "backend", 3, "api-design")
        .task("ui", "frontend", 1)
        .task("catalog-ui", "frontend", 1, "ui")
        .sync("API Contract Agreement", PlanModel.SyncMode.TIGHT, List.of("frontend", "backend"),
            List.of("api-design"), List.of("catalog-ui"))
        .build());

    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    List<PlanEvent> ev = events(s);
    assertThat(seqOf(ev, PlanEvent.KindCase.TASK_DELEGATED, "api"))
        .isGreaterThan(seqOf(ev, PlanEvent.KindCase.TASK_SUCCEEDED, "api-design"));
    assertThat(seqOf(ev, PlanEvent.KindCase.TASK_DELEGATED, "catalog-ui"))
        .isGreaterThan(seqOf(ev, PlanEvent.KindCase.SYNC_POINT_RELEASED, "API Contract Agreement"))
        .isGreaterThan(seqOf(ev, PlanEvent.KindCase.TASK_SUCCEEDED, "ui"));
    // The barrier gathered both participants' shared state over their Coordinate streams.
    var point = s.getSyncPoints(0);
    assertThat(point.getResult().getParticipants()).isEqualTo(2);
    assertThat(point.getResult().getSharedStateList()).extracting(st -> st.getDomain())
        .containsExactlyInAnyOrder("frontend", "backend");
    assertThat(point.getResult().getSharedStateList()).flatExtracting(st -> st.getDocumentsList())
        .extracting(d -> d.getName()).containsExactlyInAnyOrder("openapi.yaml", "api-client.ts");
    assertThat(point.getResult().getMissingList()).isEmpty();
    assertThat(back.frames).anyMatch(f -> f.hasSyncRelease());
    assertThat(front.frames).anyMatch(f -> f.hasSyncRelease());
    // Delegation handed the dependency's deliverables on as shared artifacts, and levels were reported.
    assertThat(ev).filteredOn(PlanEvent::hasLevelStarted).extracting(e -> e.getLevelStarted().getLevel())
        .containsExactly(0, 1);
    assertThat(s.getSummary().getSyncPointsList()).extracting(sp -> sp.getName())
        .containsExactly("API Contract Agreement");
    assertThat(s.getSummary().getOrchestratorsList()).extracting(o -> o.getOrchestrator())
        .containsExactly("backend", "frontend");
  }

  @Test
  void failedAttemptsWithinTheBudgetAreRetriedUntilTheTaskSucceeds() {
    master();
    fake("backend-1", "backend", 4);
    fake("backend-2", "backend", 4);
    awaitRegistered(2);
    PlanStatus s = run(Plans.plan("retry").retries(2)
        .task("flaky", "backend", 1, Plans.failFirst(2)).task("after", "backend", 1, "flaky").build());

    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(task(s, "flaky").getAttempt()).isEqualTo(3);
    List<PlanEvent> ev = events(s);
    assertThat(ev).filteredOn(PlanEvent::hasTaskRetried).extracting(e -> e.getTaskRetried().getAttempt())
        .containsExactly(2, 3);
    assertThat(ev).filteredOn(PlanEvent::hasTaskFailed).allSatisfy(e -> assertThat(e.getTaskFailed().getWillRetry()).isTrue());
    // A retry goes to another instance when there is one.
    List<String> instances = ev.stream().filter(PlanEvent::hasTaskDelegated)
        .filter(e -> e.getTaskDelegated().getTaskId().equals("flaky")).map(e -> e.getTaskDelegated().getInstanceId()).toList();
    assertThat(instances.get(1)).isNotEqualTo(instances.get(0));
    assertThat(s.getSummary().getOrchestratorsList().get(0).getRetries()).isEqualTo(2);
  }

  @Test
  void spentRetryBudgetFailsThePlanSkipsDependentsAndNamesTheTask() {
    master();
    fake("backend-1", "backend", 4);
    awaitRegistered(1);
    PlanStatus s = run(Plans.plan("broken").retries(1)
        .task("doomed", "backend", 1, Plans.failFirst(5))
        .task("child", "backend", 1, "doomed")
        .task("grandchild", "backend", 1, "child")
        .task("independent", "backend", 1)
        .build());

    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_FAILED);
    assertThat(s.getReason()).contains("doomed").contains("2 attempts").contains("simulated failure of attempt 2");
    assertThat(task(s, "doomed").getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
    assertThat(task(s, "child").getState()).isEqualTo(TaskState.TASK_STATE_SKIPPED);
    assertThat(task(s, "grandchild").getState()).isEqualTo(TaskState.TASK_STATE_SKIPPED);
    assertThat(task(s, "independent").getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    assertThat(events(s)).filteredOn(PlanEvent::hasTaskFailed).extracting(e -> e.getTaskFailed().getWillRetry())
        .containsExactly(true, false);
  }

  @Test
  void checkpointedStrategyRollsBackAFailedAttemptBeforeRetrying() {
    master();
    fake("backend-1", "backend", 4);
    awaitRegistered(1);
    PlanStatus s = run(Plans.plan("rollback").strategy(PlanModel.Strategy.SEQUENTIAL_CHECKPOINTED)
        .task("a", "backend", 1).task("b", "backend", 1, Plans.failFirst(1), "a").build());

    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    List<PlanEvent> ev = events(s);
    List<String> kinds = new ArrayList<>();
    for (PlanEvent e : ev) {
      if (e.hasCheckpointRolledBack() || e.hasTaskFailed() || e.hasTaskRetried() || e.hasCheckpointTaken()
          || e.hasCheckpointCommitted()) {
        kinds.add(e.getKindCase().name());
      }
    }
    assertThat(kinds).containsExactly("CHECKPOINT_TAKEN", "CHECKPOINT_COMMITTED", // a
        "CHECKPOINT_TAKEN", "CHECKPOINT_ROLLED_BACK", "TASK_FAILED", "TASK_RETRIED", // b, attempt 1
        "CHECKPOINT_TAKEN", "CHECKPOINT_COMMITTED"); // b, attempt 2
    var rolledBack = s.getCheckpoints(1);
    assertThat(rolledBack.getTaskId()).isEqualTo("b");
    assertThat(rolledBack.getTaskStatesMap()).containsEntry("a", TaskState.TASK_STATE_SUCCEEDED)
        .containsEntry("b", TaskState.TASK_STATE_READY);
    assertThat(rolledBack.getArtifactsList()).extracting(a -> a.getName()).containsExactly("a.md");
  }

  static Set<String> ids(List<TaskStatus> tasks) {
    Set<String> s = new HashSet<>();
    tasks.forEach(t -> s.add(t.getId()));
    return s;
  }
}

package dev.baton.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.master.plan.PlanCompiler;
import dev.baton.master.testing.FakeSubOrchestrator;
import dev.baton.runtime.postgres.PostgresServer;
import dev.baton.runtime.server.LeaderHint;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.TaskState;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Masters on a durable journal: one restarted on its embedded journal resumes its plans; a second
 * one on the same embedded journal is refused; on a PostgreSQL journal one of two masters leads,
 * the other refuses writes naming it and takes over when it goes, re-attaching the running work.
 */
class JournaledMasterTest {
  @RegisterExtension
  static final PostgresServer postgres = new PostgresServer();

  static final String PLAN = """
      apiVersion: baton.dev/v1
      kind: Plan
      metadata: {name: journaled}
      spec:
        tasks:
          - {id: schema, description: Database schema, orchestrator: backend, estimate: 10m}
          - {id: api, description: API handlers, orchestrator: backend, estimate: 1m, dependsOn: [schema]}
          - {id: docs, description: API docs, orchestrator: backend, estimate: 1m, dependsOn: [api]}
      """;

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private MasterServer master(String id, String journal, int port) {
    MasterServer m = MasterServer.start(MasterConfig.builder().id(id).port(port).journal(journal)
        .instanceWait(Duration.ofSeconds(15)).gitPort(-1).build());
    open.add(m);
    return m;
  }

  private static int port(MasterServer m) {
    return Integer.parseInt(m.address().substring(m.address().lastIndexOf(':') + 1));
  }

  @Test
  void aMasterRestartedOnItsEmbeddedJournalResumesThePlan() {
    String journal = dir.resolve("journal.db").toString();
    MasterServer first = master("m1", journal, 0);
    await().atMost(Duration.ofSeconds(10)).until(first::leading); // elected on the leadership's thread
    FakeSubOrchestrator backend = FakeSubOrchestrator.start("backend-1", "backend", 2, first.address());
    open.add(1, backend);
    String planId = first.submit(PlanCompiler.compileYaml(PLAN), 0.002);
    await().atMost(Duration.ofSeconds(20)).until(() -> state(first, planId, "schema") == TaskState.TASK_STATE_RUNNING);

    int port = port(first);
    first.close();
    MasterServer second = master("m1", journal, port);
    backend.reconnect();

    await().atMost(Duration.ofSeconds(30)).until(() -> second.store().status(planId)
        .map(s -> s.getState() == PlanState.PLAN_STATE_SUCCEEDED).orElse(false));
    assertOnceEach(second.store().read(planId, 0), List.of("schema", "api", "docs"));
    assertThat(backend.started()).containsExactlyInAnyOrder("schema#1", "api#1", "docs#1");
  }

  @Test
  void aSubmissionRetriedAfterARestartReturnsThePlanItStarted() {
    String journal = dir.resolve("journal.db").toString();
    MasterServer first = master("m1", journal, 0);
    SubmitPlanRequest request = SubmitPlanRequest.newBuilder().setPlanYaml(PLAN).setTimeScale(0.002)
        .setRequestId("0b5c3e2a-retry-across-restart").build();
    var started = submit(first, request);
    assertThat(started.getCreated()).isTrue();
    int port = port(first);
    first.close();

    MasterServer second = master("m1", journal, port);
    var retried = submit(second, request);

    assertThat(retried.getCreated()).isFalse();
    assertThat(retried.getPlanId()).isEqualTo(started.getPlanId());
    assertThat(second.store().list()).hasSize(1);
  }

  private dev.baton.v1.SubmitPlanResponse submit(MasterServer m, SubmitPlanRequest request) {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(m.address()).usePlaintext().build();
    try {
      return MasterGrpc.newBlockingStub(channel).submitPlan(request);
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void aSecondMasterOnAnEmbeddedJournalInUseIsRefused() {
    String journal = dir.resolve("journal.db").toString();
    master("m1", journal, 0);
    assertThatThrownBy(() -> master("m2", journal, 0))
        .hasMessageContaining("in use by another master")
        .hasMessageContaining("postgres://");
  }

  @Test
  void aStandbyRefusesWritesNamingTheLeaderAndTakesOverWithoutRunningAnythingTwice() {
    String journal = postgres.createDatabase("takeover");
    MasterServer a = master("m-a", journal, 0);
    await().atMost(Duration.ofSeconds(10)).until(a::leading);
    MasterServer b = master("m-b", journal, 0);
    assertThat(b.leading()).isFalse();

    ManagedChannel toStandby = ManagedChannelBuilder.forTarget(b.address()).usePlaintext().build();
    open.add(toStandby::shutdownNow);
    StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> MasterGrpc.newBlockingStub(toStandby).submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(PLAN).build()));
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(LeaderHint.from(refused)).contains(a.address());

    FakeSubOrchestrator backend = FakeSubOrchestrator.start("backend-1", "backend", 2, a.address());
    open.add(1, backend);
    String planId = a.submit(PlanCompiler.compileYaml(PLAN), 0.002);
    await().atMost(Duration.ofSeconds(20)).until(() -> state(a, planId, "schema") == TaskState.TASK_STATE_RUNNING);
    // the standby's reads come from the journal
    await().atMost(Duration.ofSeconds(10)).until(() -> state(b, planId, "schema") == TaskState.TASK_STATE_RUNNING);
    long epochA = a.epoch();

    a.close();
    await().atMost(Duration.ofSeconds(20)).until(b::leading);
    assertThat(b.epoch()).isGreaterThan(epochA);
    backend.reconnect(b.address());

    await().atMost(Duration.ofSeconds(30)).until(() -> b.store().status(planId)
        .map(s -> s.getState() == PlanState.PLAN_STATE_SUCCEEDED).orElse(false));
    assertOnceEach(b.store().read(planId, 0), List.of("schema", "api", "docs"));
    assertThat(backend.started()).containsExactlyInAnyOrder("schema#1", "api#1", "docs#1");
  }

  /**
   * A leader whose epoch the journal no longer holds (what a paused leader finds when it wakes)
   * steps down: the WatchPlan streams it serves go on, now from the journal, until the plan
   * finishes under the new leader, and the sub-orchestrators it served are sent to the new leader
   * at once, not left on a master that no longer leads (found by cli's MasterTakeOverEndToEndTest:
   * after SIGCONT a watch on the old leader hung and the instances stayed registered with it).
   */
  @Test
  void aFencedLeaderStepsDownKeepingItsWatchersAndSendingItsInstancesToTheLeader() throws Exception {
    String journal = postgres.createDatabase("stepdown");
    MasterServer a = master("m-a", journal, 0);
    await().atMost(Duration.ofSeconds(10)).until(a::leading);
    MasterServer b = master("m-b", journal, 0);
    FakeSubOrchestrator backend = FakeSubOrchestrator.start("backend-1", "backend", 2, a.address());
    open.add(1, backend);
    String planId = a.submit(PlanCompiler.compileYaml(PLAN), 0.002);
    ManagedChannel toA = ManagedChannelBuilder.forTarget(a.address()).usePlaintext().build();
    open.add(toA::shutdownNow);
    List<PlanEvent> watched = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.CompletableFuture<Void> watchEnded = new java.util.concurrent.CompletableFuture<>();
    MasterGrpc.newStub(toA).watchPlan(dev.baton.v1.WatchPlanRequest.newBuilder().setPlanId(planId).build(),
        new io.grpc.stub.StreamObserver<>() {
          @Override
          public void onNext(PlanEvent e) {
            watched.add(e);
          }

          @Override
          public void onError(Throwable t) {
            watchEnded.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            watchEnded.complete(null);
          }
        });
    await().atMost(Duration.ofSeconds(20)).until(() -> state(a, planId, "schema") == TaskState.TASK_STATE_RUNNING);
    long epochA = a.epoch();

    // Another master claims an epoch: a's next append is refused, it resigns and b takes over.
    try (var intruder = dev.baton.master.journal.Journals.open(journal,
        dev.baton.master.journal.JournalSettings.defaults(), java.time.Clock.systemUTC(), true)) {
      intruder.claimEpoch("intruder", "");
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> b.leading() && !a.leading());
    assertThat(b.epoch()).isGreaterThan(epochA + 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> !backend.coordinateEnds.isEmpty());
    StatusRuntimeException sentAway = (StatusRuntimeException) backend.coordinateEnds.get(0);
    assertThat(sentAway.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    backend.reconnect(b.address());

    await().atMost(Duration.ofSeconds(30)).until(() -> b.store().status(planId)
        .map(s -> s.getState() == PlanState.PLAN_STATE_SUCCEEDED).orElse(false));
    watchEnded.get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertOnceEach(watched, List.of("schema", "api", "docs"));
    assertThat(watched).isEqualTo(b.store().read(planId, 0));
    assertThat(backend.started()).containsExactlyInAnyOrder("schema#1", "api#1", "docs#1");
  }

  private static TaskState state(MasterServer m, String planId, String task) {
    return m.store().task(planId, task).map(t -> t.getState()).orElse(TaskState.TASK_STATE_UNSPECIFIED);
  }

  private static void assertOnceEach(List<PlanEvent> events, List<String> tasks) {
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).getSequence()).isEqualTo(i + 1L);
    }
    Map<String, Long> succeeded = events.stream().filter(PlanEvent::hasTaskSucceeded)
        .collect(Collectors.groupingBy(e -> e.getTaskSucceeded().getTaskId(), Collectors.counting()));
    assertThat(succeeded).containsOnlyKeys(tasks).allSatisfy((k, v) -> assertThat(v).isEqualTo(1L));
  }
}

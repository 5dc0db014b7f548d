package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.runtime.registry.ConsulAgent;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.RecoveryResult;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Chaos with separate processes: a master and two replicas of each sub-orchestrator, all
 * registered in a real Consul agent, while plans run. One replica is killed (SIGKILL) or hung
 * (SIGSTOP) mid-task, or a whole domain dies; the plan's failureHandling must carry the plan
 * through, every task completing once. Judged from the plan's events alone.
 *
 * <p>One mesh serves the whole class; each test first tops its domains up to two live replicas,
 * so a replica killed by an earlier test is replaced by a fresh process (with a new id).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosEndToEndTest {
  @RegisterExtension static final ConsulAgent CONSUL = new ConsulAgent();

  /** The parallel e-commerce plan (critical path 145 plan minutes) in about this much wall clock. */
  private static final double ECOMMERCE_SECONDS = 12;
  private static final Set<String> MIDWAY_BACKEND_TASKS = Set.of("order-management", "inventory-management", "user-auth");

  private ChaosMesh mesh;

  @BeforeAll
  void startMesh() {
    mesh = ChaosMesh.start(CONSUL.address(), "chaos", 2);
  }

  @AfterAll
  void stopMesh() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  @Order(1)
  void aKilledBackendReplicasTasksFailOverAndEveryTaskSucceedsOnce() throws Exception {
    mesh.ensure("backend", 2);
    ChaosPlan plan = ChaosPlan.submit(mesh.api(), ChaosPlan.ecommerce("parallel", "failover"), timeScale());

    PlanEvent started = plan.awaitEvent("a midway backend task started", ChaosEndToEndTest::midwayBackendStart,
        Duration.ofSeconds(60));
    String victim = started.getTaskStarted().getInstanceId();
    Instant killedAt = mesh.kill(victim);
    List<PlanEvent> events = plan.awaitEnd(120);

    assertSucceededOnce(plan, events);
    Recovery r = recoveryOf(plan, events, victim, "failover", started.getTaskStarted().getTaskId());
    System.out.printf("FIGURE chaos sigkill: kill->detected %d ms, kill->re-delegated %d ms, kill->plan finished %d ms%n",
        Duration.between(killedAt, r.detectedAt()).toMillis(), ChaosPlan.millisBetween(killedAt, r.redelegation()),
        ChaosPlan.millisBetween(killedAt, events.get(events.size() - 1)));
  }

  @Test
  @Order(2)
  void aHungBackendReplicaIsCaughtByDeadlinesAndTheBreaker() throws Exception {
    mesh.ensure("backend", 2);
    ChaosPlan plan = ChaosPlan.submit(mesh.api(), ChaosPlan.ecommerce("parallel", "failover"), timeScale());

    PlanEvent started = plan.awaitEvent("a midway backend task started", ChaosEndToEndTest::midwayBackendStart,
        Duration.ofSeconds(60));
    String victim = started.getTaskStarted().getInstanceId();
    Instant stoppedAt = mesh.suspend(victim);
    try {
      List<PlanEvent> events = plan.awaitEnd(120);

      assertSucceededOnce(plan, events);
      Recovery r = recoveryOf(plan, events, victim, "failover", started.getTaskStarted().getTaskId());
      assertThat(r.result().getDetection()).as("a hung process keeps its sockets: no stream loss")
          .doesNotContain("coordinate stream lost");
      System.out.printf("FIGURE chaos sigstop: stop->detected %d ms (%s), stop->re-delegated %d ms, stop->plan finished %d ms%n",
          Duration.between(stoppedAt, r.detectedAt()).toMillis(), r.result().getDetection(),
          ChaosPlan.millisBetween(stoppedAt, r.redelegation()), ChaosPlan.millisBetween(stoppedAt, events.get(events.size() - 1)));
    } finally {
      mesh.resumeAndKill(victim);
    }
  }

  @Test
  @Order(3)
  void withNoTestingInstanceLeftRedistributeHandsTheTasksToACoveringDomain() throws Exception {
    ChaosPlan plan = runAndKillTesting("redistribute");
    List<PlanEvent> events = plan.awaitEnd(90);

    PlanStatus status = plan.status();
    assertThat(last(events).getPlanFinished().getState()).as(last(events).getPlanFinished().getReason())
        .isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(status.getTasksList()).allMatch(t -> t.getState() == TaskState.TASK_STATE_SUCCEEDED);
    List<RecoveryResult> recoveries = recoveries(events);
    assertThat(recoveries).extracting(RecoveryResult::getRecoveryType).contains("redistribute");
    for (String task : TESTING_TASKS) {
      PlanEvent moved = events.stream()
          .filter(e -> e.hasTaskDelegated() && e.getTaskDelegated().getTaskId().equals(task)
              && e.getTaskDelegated().getReason().startsWith("redistributed from testing to "))
          .findFirst().orElseThrow(() -> new AssertionError(task + " was not redistributed:\n" + ChaosPlan.describe(events)));
      assertThat(mesh.domainOf(moved.getTaskDelegated().getInstanceId())).isNotEqualTo("testing");
      assertThat(moved.getTaskDelegated().getReason()).as("the event says why").contains("coverage");
      assertThat(events.stream().filter(e -> e.hasTaskSucceeded() && e.getTaskSucceeded().getTaskId().equals(task)))
          .singleElement()
          .satisfies(e -> assertThat(e.getTaskSucceeded().getInstanceId()).isEqualTo(moved.getTaskDelegated().getInstanceId()));
    }
  }

  @Test
  @Order(4)
  void withNoTestingInstanceLeftGracefulDegradationFinishesTheRestAndSaysWhy() throws Exception {
    ChaosPlan plan = runAndKillTesting("graceful_degradation");
    List<PlanEvent> events = plan.awaitEnd(90);

    PlanStatus status = plan.status();
    assertThat(last(events).getPlanFinished().getState()).as(last(events).getPlanFinished().getReason())
        .isEqualTo(PlanState.PLAN_STATE_DEGRADED);
    assertThat(status.getReason()).contains("degraded").contains(TESTING_TASKS);
    assertThat(recoveries(events)).extracting(RecoveryResult::getRecoveryType).contains("graceful_degradation");
    for (String task : TESTING_TASKS) {
      assertThat(events).filteredOn(e -> e.hasTaskSkipped() && e.getTaskSkipped().getTaskId().equals(task))
          .singleElement().satisfies(e -> assertThat(e.getTaskSkipped().getDegraded()).isTrue());
    }
    assertThat(task(status, "release-notes").getState()).isEqualTo(TaskState.TASK_STATE_SKIPPED);
    assertThat(task(status, "orders-api").getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
  }

  // --- a plan whose testing tasks all run at once, so that killing both testing replicas catches them -----------

  private static final List<String> TESTING_TASKS = List.of("orders-api-tests", "auth-api-tests");

  private static String noTestingPlan(String failureHandling) {
    return """
        apiVersion: baton.dev/v1
        kind: Plan
        metadata:
          name: chaos-no-testing-%s
        spec:
          strategy: parallel
          failureHandling: %s
          tasks:
            - id: orders-api
              description: Orders REST API with its database schema
              orchestrator: backend
              estimate: 10m
            - id: orders-api-tests
              description: Integration tests of the orders REST API endpoints and their database queries
              orchestrator: testing
              estimate: 40m
            - id: auth-api-tests
              description: Tests of the authentication API endpoints, JWT tokens and database sessions
              orchestrator: testing
              estimate: 40m
            - id: release-notes
              description: Release notes page listing the tested API endpoints
              orchestrator: frontend
              estimate: 5m
              dependsOn: [orders-api-tests, auth-api-tests]
        """.formatted(failureHandling.replace('_', '-'), failureHandling);
  }

  private ChaosPlan runAndKillTesting(String failureHandling) {
    mesh.ensure("testing", 2);
    ChaosPlan plan = ChaosPlan.submit(mesh.api(), noTestingPlan(failureHandling), 0.002);
    for (String task : TESTING_TASKS) {
      plan.awaitEvent(task + " started",
          e -> e.hasTaskStarted() && e.getTaskStarted().getTaskId().equals(task), Duration.ofSeconds(30));
    }
    for (String id : mesh.alive("testing")) {
      mesh.kill(id);
    }
    return plan;
  }

  // --- helpers ---------------------------------------------------------------------------------------------------

  private static double timeScale() {
    return ECOMMERCE_SECONDS / (145 * 60.0);
  }

  private static boolean midwayBackendStart(PlanEvent e) {
    return e.hasTaskStarted() && MIDWAY_BACKEND_TASKS.contains(e.getTaskStarted().getTaskId());
  }

  private static PlanEvent last(List<PlanEvent> events) {
    PlanEvent end = events.get(events.size() - 1);
    assertThat(end.hasPlanFinished()).as("the stream ends with PlanFinished").isTrue();
    return end;
  }

  private static List<RecoveryResult> recoveries(List<PlanEvent> events) {
    return events.stream().filter(PlanEvent::hasRecoveryPerformed).map(e -> e.getRecoveryPerformed().getResult()).toList();
  }

  private static TaskStatus task(PlanStatus status, String id) {
    return status.getTasksList().stream().filter(t -> t.getId().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no task " + id));
  }

  /** The plan succeeded and each of its 19 tasks has exactly one TaskSucceeded. */
  private static void assertSucceededOnce(ChaosPlan plan, List<PlanEvent> events) {
    PlanStatus status = plan.status();
    assertThat(last(events).getPlanFinished().getState())
        .as("%s%n%s", last(events).getPlanFinished().getReason(), ChaosPlan.describe(events))
        .isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(status.getTasksList()).hasSize(19).allMatch(t -> t.getState() == TaskState.TASK_STATE_SUCCEEDED);
    assertThat(plan.successes()).hasSize(19).allSatisfy((task, n) -> assertThat(n).as(task).isEqualTo(1L));
  }

  /** A recovery of {@code victim}'s tasks and the first re-delegation it caused, to another instance. */
  record Recovery(RecoveryResult result, Instant detectedAt, PlanEvent redelegation) {}

  private Recovery recoveryOf(ChaosPlan plan, List<PlanEvent> events, String victim, String type, String task) {
    RecoveryResult r = recoveries(events).stream().filter(x -> x.getFailedOrchestrator().equals(victim)).findFirst()
        .orElseThrow(() -> new AssertionError("no RecoveryPerformed names " + victim + ":\n" + ChaosPlan.describe(events)));
    assertThat(r.getRecoveryType()).isEqualTo(type);
    assertThat(r.getTaskIdsList()).contains(task);
    PlanEvent moved = events.stream()
        .filter(e -> e.hasTaskDelegated() && r.getTaskIdsList().contains(e.getTaskDelegated().getTaskId())
            && e.getTaskDelegated().getReason().startsWith("failover from " + victim))
        .findFirst().orElseThrow(() -> new AssertionError("no failover delegation:\n" + ChaosPlan.describe(events)));
    assertThat(moved.getTaskDelegated().getInstanceId()).isNotEqualTo(victim);
    assertThat(mesh.domainOf(moved.getTaskDelegated().getInstanceId())).isEqualTo("backend");
    assertThat(events).filteredOn(e -> e.hasTaskSucceeded() && e.getTaskSucceeded().getInstanceId().equals(victim)
            && r.getTaskIdsList().contains(e.getTaskSucceeded().getTaskId()))
        .as("no success is taken from the failed instance for a task moved off it").isEmpty();
    Instant detected = Instant.ofEpochSecond(r.getDetectedAt().getSeconds(), r.getDetectedAt().getNanos());
    return new Recovery(r, detected, moved);
  }
}

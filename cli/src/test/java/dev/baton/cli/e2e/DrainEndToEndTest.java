package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.cli.mesh.LaunchedProcess;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.v1.InstanceHealth;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.OrchestratorInstance;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Graceful drain with real processes (docs/resilience.md, "Graceful drain"): a master and two
 * replicas of the backend sub-orchestrator; one replica gets SIGTERM (what Kubernetes sends when it
 * deletes a pod) while it runs a task. Within {@code --drain-timeout} the task finishes there, is
 * reported once and the process exits 0; past it, the task is handed back and fails over to the
 * other replica. Judged from the plan's events, the replica's log and its exit status.
 *
 * <p>One master serves the class; each test starts two fresh replicas and stops what is left of
 * them after it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DrainEndToEndTest {
  private static final Duration READY = Duration.ofSeconds(90);
  /** Plan minutes to wall-clock: a 10m estimate takes about 6 s. */
  private static final double TIME_SCALE = 0.01;

  private MeshLauncher launcher;
  private LaunchedProcess master;
  private MasterApi api;
  private final List<LaunchedProcess> replicas = new ArrayList<>();
  private final AtomicInteger started = new AtomicInteger();

  @BeforeAll
  void startMaster() {
    launcher = new MeshLauncher(MeshLauncher.Options.in(MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve("drain")))
        .withReadyTimeout(READY).withStopGrace(Duration.ofSeconds(20)));
    master = launcher.startMaster(0);
    api = new MasterApi(master.address());
  }

  @AfterEach
  void stopReplicas() {
    replicas.stream().filter(LaunchedProcess::isAlive).forEach(p -> p.stop(Duration.ofSeconds(20)));
    replicas.clear();
  }

  @AfterAll
  void stopMaster() {
    if (api != null) {
      api.close();
    }
    if (launcher != null) {
      try {
        launcher.close();
      } finally {
        launcher.killAll();
      }
    }
  }

  @Test
  void aReplicaStoppedMidTaskFinishesItThereTakesNothingNewAndExitsZero() throws Exception {
    Map<String, LaunchedProcess> backend = startBackendReplicas("60s");
    ChaosPlan plan = ChaosPlan.submit(api, """
        apiVersion: baton.dev/v1
        kind: Plan
        metadata:
          name: drain-finishes
        spec:
          strategy: parallel
          tasks:
            - id: first
              description: Orders REST API with its database schema
              orchestrator: backend
              estimate: 10m
            - id: second
              description: Inventory REST API endpoint
              orchestrator: backend
              estimate: 2m
              dependsOn: [first]
            - id: third
              description: Payments REST API endpoint
              orchestrator: backend
              estimate: 2m
              dependsOn: [first]
        """, TIME_SCALE);
    PlanEvent firstStarted = plan.awaitEvent("first started",
        e -> e.hasTaskStarted() && e.getTaskStarted().getTaskId().equals("first"), Duration.ofSeconds(60));
    String victim = firstStarted.getTaskStarted().getInstanceId();
    LaunchedProcess p = backend.get(victim);

    p.handle().destroy(); // SIGTERM
    await("the master sees " + victim + " draining").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> healthOf(victim) == InstanceHealth.INSTANCE_HEALTH_DRAINING || !p.isAlive());
    List<PlanEvent> events = plan.awaitEnd(120);
    assertThat(p.onExit().get(60, TimeUnit.SECONDS).exitValue()).as(p.logTail(20)).isZero();

    String log = Files.readString(p.logFile(), StandardCharsets.UTF_8);
    assertThat(log).contains("draining: 1 task(s) running, up to 60s").contains("drained: every task finished and was reported");
    assertThat(log.indexOf("draining: ")).isLessThan(log.indexOf("drained"));
    assertThat(events.get(events.size() - 1).getPlanFinished().getState()).as(ChaosPlan.describe(events))
        .isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(plan.successes()).as(ChaosPlan.describe(events))
        .containsOnlyKeys("first", "second", "third").allSatisfy((task, n) -> assertThat(n).as(task).isEqualTo(1L));
    assertThat(events).filteredOn(e -> e.hasTaskSucceeded() && e.getTaskSucceeded().getTaskId().equals("first"))
        .singleElement().satisfies(e -> assertThat(e.getTaskSucceeded().getInstanceId())
            .as("the draining replica finished its own task").isEqualTo(victim));
    assertThat(events).filteredOn(PlanEvent::hasTaskDelegated).as(ChaosPlan.describe(events)).hasSize(3)
        .filteredOn(e -> !e.getTaskDelegated().getTaskId().equals("first"))
        .extracting(e -> e.getTaskDelegated().getInstanceId()).as("what became ready later went elsewhere")
        .hasSize(2).doesNotContain(victim).allMatch(backend::containsKey);
    assertThat(events).filteredOn(PlanEvent::hasRecoveryPerformed).as("a drain is not a failure").isEmpty();
  }

  @Test
  void aTaskLongerThanTheDrainTimeoutIsHandedBackAndSucceedsOnceOnTheOtherReplica() throws Exception {
    Map<String, LaunchedProcess> backend = startBackendReplicas("2s");
    ChaosPlan plan = ChaosPlan.submit(api, """
        apiVersion: baton.dev/v1
        kind: Plan
        metadata:
          name: drain-hands-back
        spec:
          strategy: parallel
          failureHandling: failover
          tasks:
            - id: long
              description: Orders REST API with its database schema and migrations
              orchestrator: backend
              estimate: 15m
        """, TIME_SCALE);
    PlanEvent started = plan.awaitEvent("long started",
        e -> e.hasTaskStarted() && e.getTaskStarted().getTaskId().equals("long"), Duration.ofSeconds(60));
    String victim = started.getTaskStarted().getInstanceId();
    LaunchedProcess p = backend.get(victim);

    p.handle().destroy(); // SIGTERM
    assertThat(p.onExit().get(60, TimeUnit.SECONDS).exitValue()).as(p.logTail(20)).isZero();
    List<PlanEvent> events = plan.awaitEnd(120);

    assertThat(Files.readString(p.logFile(), StandardCharsets.UTF_8))
        .contains("draining: 1 task(s) running, up to 2s").contains("drain timed out: handing back 1 task(s)");
    assertThat(events.get(events.size() - 1).getPlanFinished().getState()).as(ChaosPlan.describe(events))
        .isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(events).filteredOn(PlanEvent::hasRecoveryPerformed).singleElement()
        .satisfies(e -> assertThat(e.getRecoveryPerformed().getResult().getFailedOrchestrator()).isEqualTo(victim));
    assertThat(events).filteredOn(PlanEvent::hasTaskSucceeded).as(ChaosPlan.describe(events)).singleElement()
        .satisfies(e -> assertThat(e.getTaskSucceeded().getInstanceId()).isNotEqualTo(victim).isIn(backend.keySet()));
  }

  /** Two fresh backend replicas with {@code drainTimeout}, both healthy at the master: instance id to process. */
  private Map<String, LaunchedProcess> startBackendReplicas(String drainTimeout) {
    List<LaunchedProcess> fresh = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String name = "backend-" + started.incrementAndGet();
      fresh.add(launcher.launch(name, List.of("orchestrator", "--domain", "backend", "--master", master.address(),
          "--host", "127.0.0.1", "--port", "0", "--workspace", launcher.options().workspaceRoot().resolve(name).toString(),
          "--max-concurrent-tasks", "1", "--drain-timeout", drainTimeout)));
    }
    replicas.addAll(fresh);
    Map<String, LaunchedProcess> byId = fresh.stream()
        .collect(Collectors.toMap(p -> p.awaitReady(READY).id(), p -> p));
    await("replicas " + byId.keySet() + " healthy at the master").atMost(READY).pollInterval(Duration.ofMillis(50))
        .until(() -> byId.keySet().stream().allMatch(id -> healthOf(id) == InstanceHealth.INSTANCE_HEALTH_HEALTHY));
    return byId;
  }

  private InstanceHealth healthOf(String instanceId) {
    return api.call().listOrchestrators(ListOrchestratorsRequest.getDefaultInstance()).getInstancesList().stream()
        .filter(i -> i.getOrchestrator().getId().equals(instanceId)).map(OrchestratorInstance::getHealth)
        .findFirst().orElse(InstanceHealth.INSTANCE_HEALTH_UNSPECIFIED);
  }
}

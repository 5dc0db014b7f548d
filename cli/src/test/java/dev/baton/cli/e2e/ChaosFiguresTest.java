package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.cli.mesh.LaunchedProcess;
import dev.baton.runtime.registry.ConsulAgent;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The failover figures of BENCHMARKS.md ("Failover (issue 3)"), measured on separate processes
 * under a real Consul agent; off in the normal build (each run takes minutes):
 *
 * <pre>
 * ./mvnw -B -ntp -o -pl cli -am test -Dtest=ChaosFiguresTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbaton.chaos.figures=true [-Dbaton.chaos.runs=5]
 * grep -h FIGURE cli/target/surefire-reports/*ChaosFiguresTest-output.txt
 * </pre>
 *
 * <p>Times are taken from the master's event timestamps against this JVM's clock when the signal
 * was sent (same host, same clock).
 */
@EnabledIfSystemProperty(named = "baton.chaos.figures", matches = "true")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosFiguresTest {
  @RegisterExtension static final ConsulAgent CONSUL = new ConsulAgent();

  private static final Set<String> MIDWAY_BACKEND_TASKS = Set.of("order-management", "inventory-management", "user-auth");
  private static final int SPREAD_TASKS = 40;

  private ChaosMesh mesh;

  @BeforeAll
  void startMesh() {
    mesh = ChaosMesh.start(CONSUL.address(), "chaos-figures", 2);
  }

  @AfterAll
  void stopMesh() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  @Order(1)
  void sigkillToRedelegationAndCompletion() throws Exception {
    int runs = Integer.getInteger("baton.chaos.runs", 5);
    List<Long> toRedelegation = new ArrayList<>();
    List<Long> toCompletion = new ArrayList<>();
    List<Long> toDetection = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      mesh.ensure("backend", 2);
      ChaosPlan plan = ChaosPlan.submit(mesh.api(), ChaosPlan.ecommerce("parallel", "failover"), 12 / (145 * 60.0));
      PlanEvent started = plan.awaitEvent("a midway backend task started",
          e -> e.hasTaskStarted() && MIDWAY_BACKEND_TASKS.contains(e.getTaskStarted().getTaskId()), Duration.ofSeconds(60));
      String victim = started.getTaskStarted().getInstanceId();
      Instant killedAt = mesh.kill(victim);
      List<PlanEvent> events = plan.awaitEnd(120);
      PlanEvent end = events.get(events.size() - 1);
      assertThat(end.getPlanFinished().getState()).as(end.getPlanFinished().getReason()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
      assertThat(plan.successes()).hasSize(19).allSatisfy((task, n) -> assertThat(n).isEqualTo(1L));
      PlanEvent recovery = plan.first(e -> e.hasRecoveryPerformed()
          && e.getRecoveryPerformed().getResult().getFailedOrchestrator().equals(victim)).orElseThrow();
      PlanEvent moved = plan.first(e -> e.hasTaskDelegated()
          && e.getTaskDelegated().getReason().startsWith("failover from " + victim)).orElseThrow();
      var detected = recovery.getRecoveryPerformed().getResult().getDetectedAt();
      toDetection.add(Duration.between(killedAt, Instant.ofEpochSecond(detected.getSeconds(), detected.getNanos())).toMillis());
      toRedelegation.add(ChaosPlan.millisBetween(killedAt, moved));
      toCompletion.add(ChaosPlan.millisBetween(killedAt, end));
      System.out.printf("FIGURE sigkill run %d: victim %s, detection '%s', kill->detected %d ms, kill->re-delegated %d ms,"
              + " kill->plan finished %d ms, plan wall %d ms%n",
          run, victim, recovery.getRecoveryPerformed().getResult().getDetection(), toDetection.get(run - 1),
          toRedelegation.get(run - 1), toCompletion.get(run - 1),
          end.getPlanFinished().getSummary().getMeasuredWallMillis());
    }
    System.out.println("FIGURE sigkill->detected ms: " + stats(toDetection));
    System.out.println("FIGURE sigkill->re-delegated ms: " + stats(toRedelegation));
    System.out.println("FIGURE sigkill->plan finished ms: " + stats(toCompletion));
  }

  @Test
  @Order(2)
  void aNewReplicaReceivesWorkUnderRoundRobin() throws Exception {
    mesh.ensure("backend", 2);
    // 40 tasks of 4 s on 2 x 5 slots: about 16 s of queued work, enough for a JVM to start meanwhile.
    ChaosPlan plan = ChaosPlan.submit(mesh.api(), ChaosPlan.independentBackendTasks(SPREAD_TASKS, 10, "round_robin"), 4 / 600.0);
    plan.awaitEvent("the first task started", PlanEvent::hasTaskStarted, Duration.ofSeconds(30));
    Instant launched = Instant.now();
    LaunchedProcess third = mesh.startReplica("backend");
    String id = mesh.awaitReady(third);
    Instant ready = Instant.now();
    PlanEvent first = plan.awaitEvent("a delegation to " + id,
        e -> e.hasTaskDelegated() && e.getTaskDelegated().getInstanceId().equals(id), Duration.ofSeconds(60));
    List<PlanEvent> events = plan.awaitEnd(120);
    assertThat(events.get(events.size() - 1).getPlanFinished().getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    System.out.printf("FIGURE new replica: process start->ready line %d ms, ready line->first TaskDelegated %d ms;"
            + " delegations per instance %s%n",
        Duration.between(launched, ready).toMillis(), ChaosPlan.millisBetween(ready, first), plan.delegationsPerInstance());
  }

  @Test
  @Order(3)
  void spreadOfDelegationsPerPolicy() throws Exception {
    mesh.ensure("backend", 3);
    for (String policy : List.of("score", "round_robin", "least_loaded")) {
      ChaosPlan plan = ChaosPlan.submit(mesh.api(), ChaosPlan.independentBackendTasks(SPREAD_TASKS, 10, policy), 1 / 600.0);
      List<PlanEvent> events = plan.awaitEnd(120);
      assertThat(events.get(events.size() - 1).getPlanFinished().getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
      Map<String, Long> counts = plan.delegationsPerInstance();
      assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(SPREAD_TASKS);
      System.out.printf("FIGURE spread %s: %d tasks over %d replicas (max 5 each): %s, plan wall %d ms%n",
          policy, SPREAD_TASKS, counts.size(), counts,
          events.get(events.size() - 1).getPlanFinished().getSummary().getMeasuredWallMillis());
    }
  }

  private static String stats(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    return String.format("median %.0f, min %d, max %d, n %d, all %s", median, sorted.get(0), sorted.get(n - 1), n, values);
  }
}

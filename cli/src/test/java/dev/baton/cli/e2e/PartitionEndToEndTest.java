package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.master.journal.Journal;
import dev.baton.runtime.server.LeaderHint;
import dev.baton.v1.InstanceHealth;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.SubmitPlanRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 12's partition tests: masters, sub-orchestrators, Consul and PostgreSQL each in a network
 * namespace of its own ({@link PartitionMesh}), a link cut mid-plan (the node's bridge port down:
 * no netem here, and iptables may be absent) and healed. What must hold: the plan finishes
 * SUCCEEDED with every task succeeded once and no droid run twice ({@link TakeOverRun#finish}); a
 * partitioned leader loses the leadership and comes back a standby, never a second leader.
 *
 * <p>Needs root and {@code ip netns}; skipped with the reason otherwise. Figures are printed as
 * {@code PARTITION ...} lines (docs/chaos-testing.md, "Partitions (issue 12)").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PartitionEndToEndTest {
  private static final Duration MOMENT = Duration.ofSeconds(60);
  private static final long PLAN_END_SECONDS = 150;

  private PartitionMesh mesh;

  @BeforeAll
  void startTheMeshInNamespaces() throws Exception {
    NetNamespaces.unavailableReason().ifPresent(reason -> {
      System.out.println("SKIPPED PartitionEndToEndTest: " + reason);
      Assumptions.abort(reason);
    });
    mesh = PartitionMesh.start("partition");
  }

  @AfterAll
  void stopTheMesh() {
    if (mesh != null) {
      mesh.close();
    }
  }

  /**
   * The leader's link is cut mid-plan: it can reach neither Consul nor PostgreSQL nor anyone else.
   * Consul ends its session (its health check fails), a standby claims a higher epoch, the
   * sub-orchestrators follow it and the plan goes on. The partitioned master, alone, notices it
   * can no longer renew its session and steps down; healed, it stays a standby that refuses
   * writes and names the new leader.
   */
  @Test
  @Order(1)
  void aPartitionedLeaderLosesTheLeadershipAndComesBackAStandby() throws Exception {
    try (TakeOverRun run = TakeOverRun.submit(mesh, TakeOverPlans.burst("partition-leader", 24, 10), 1 / 300.0)) {
      run.awaitEvent("the 12th delegation", e -> e.hasTaskDelegated()
          && run.watcher.count(PlanEvent::hasTaskDelegated) >= 12, MOMENT);
      Journal.Epoch old = mesh.epoch();
      String cut = old.holder();
      Instant cutAt = Instant.now();
      mesh.net.cut(cut);
      assertThat(mesh.net.reaches("pg", mesh.net.address(cut))).as("%s cut off", cut).isFalse();

      Journal.Epoch next = mesh.awaitLeader(old.epoch());
      Instant ledAt = Instant.now();
      assertThat(next.holder()).isNotEqualTo(cut);
      mesh.awaitRegistered(next.address(), Set.copyOf(mesh.instanceIds().values()), PartitionMesh.TAKE_OVER);
      Instant followedAt = Instant.now();
      // Alone, the cut master finds it cannot renew its Consul session and stands down.
      await(cut + " stepping down while cut off").atMost(PartitionMesh.TAKE_OVER).pollInterval(Duration.ofMillis(50))
          .until(() -> mesh.log(cut).contains("lost the leadership (epoch " + old.epoch() + ")"));
      Instant steppedDownAt = Instant.now();

      mesh.net.heal(cut);
      Instant healedAt = Instant.now();
      // Healed, it is a standby: a write is refused, naming the leader; it does not lead again.
      await(cut + " refusing writes, naming " + next.address()).atMost(PartitionMesh.TAKE_OVER)
          .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> assertStandby(mesh.address(cut), next.address()));
      Instant standbyAt = Instant.now();
      System.out.printf("PARTITION leader %s (epoch %d) cut; %s claimed epoch %d after %d ms and led after %d ms;"
              + " sub-orchestrators registered with it after %d ms; the cut master stepped down after %d ms;"
              + " healed, it refused writes as a standby after %d ms%n", cut, old.epoch(), next.holder(), next.epoch(),
          Duration.between(cutAt, next.claimedAt()).toMillis(), Duration.between(cutAt, ledAt).toMillis(),
          Duration.between(cutAt, followedAt).toMillis(), Duration.between(cutAt, steppedDownAt).toMillis(),
          Duration.between(healedAt, standbyAt).toMillis());

      TakeOverRun.Verdict v = run.finish(PLAN_END_SECONDS, 2);
      // One leader: the journal's epoch is still the successor's, and the third master is a standby too.
      assertThat(mesh.epoch().epoch()).as("epoch after the heal").isEqualTo(next.epoch());
      for (String id : PartitionMesh.MASTERS) {
        if (!id.equals(next.holder())) {
          assertStandby(mesh.address(id), next.address());
        }
      }
      // No epoch after the cut one was claimed by the cut master: it never led again.
      assertThat(mesh.journal().epochs()).filteredOn(e -> e.epoch() > old.epoch())
          .extracting(Journal.Epoch::holder).doesNotContain(cut);
      assertThat(v.under(old.epoch())).isNotEmpty();
      assertThat(v.under(next.epoch())).isNotEmpty();
      long lastOld = v.records().stream().filter(r -> r.epoch() == old.epoch()).mapToLong(r -> r.position()).max().orElseThrow();
      long firstNew = v.records().stream().filter(r -> r.epoch() == next.epoch()).mapToLong(r -> r.position()).min().orElseThrow();
      assertThat(lastOld).as("nothing of the cut leader landed after its successor's first write").isLessThan(firstNew);
      System.out.println("PARTITION cut master's log: " + mesh.log(cut).lines()
          .filter(l -> l.contains("fenced") || l.contains("lost the leadership") || l.contains("consul session")).toList());
    }
  }

  /**
   * A backend replica's link is cut while it runs tasks. The master finds it gone (its Execute
   * stream silent, Describe unanswered) and, the plan saying {@code failureHandling: failover},
   * moves its tasks to the other backend replica under a new attempt. The link is healed only once
   * the moved tasks succeeded there: by then the cut replica's own executions (started earlier,
   * same length) finished too, so it comes back holding results of attempts the master gave up.
   * Healing within the restart grace (5 s) instead would race the failure detector (about 2-4 s
   * here), so the test would not know which path it checks. What must hold: every task succeeded
   * exactly once; no success is taken from the cut replica for a task moved off it; the replica
   * registers again with the leader.
   */
  @Test
  @Order(2)
  void aPartitionedSubOrchestratorsTasksFailOverAndItsLateResultsAreNotTaken() throws Exception {
    String victimNode = "backend";
    String victim = mesh.instanceIds().get(victimNode);
    String backup = mesh.instanceIds().get("backend2");
    Journal.Epoch leader = mesh.epoch();
    try (TakeOverRun run = TakeOverRun.submit(mesh, backendPlan(8, 20), 1 / 300.0)) {
      PlanEvent delegated = run.awaitEvent("a task delegated to " + victim,
          e -> e.hasTaskDelegated() && e.getTaskDelegated().getInstanceId().equals(victim), MOMENT);
      String task = delegated.getTaskDelegated().getTaskId();
      run.awaitEvent(task + " started", e -> e.hasTaskStarted() && e.getTaskStarted().getTaskId().equals(task), MOMENT);
      Instant cutAt = Instant.now();
      mesh.net.cut(victimNode);

      PlanEvent recovery = run.awaitEvent("a recovery of " + victim, e -> e.hasRecoveryPerformed()
          && e.getRecoveryPerformed().getResult().getFailedOrchestrator().equals(victim), MOMENT);
      Instant recoveredAt = Instant.now();
      List<String> moved = recovery.getRecoveryPerformed().getResult().getTaskIdsList();
      assertThat(moved).as("tasks moved off %s", victim).contains(task);
      for (String m : moved) {
        run.awaitEvent(m + " succeeded elsewhere", e -> e.hasTaskSucceeded() && e.getTaskSucceeded().getTaskId().equals(m),
            MOMENT);
      }
      mesh.net.heal(victimNode);
      Instant healedAt = Instant.now();
      // Back: its heartbeats reach the leader again and Consul's check passes. Its breaker is
      // half-open (SUSPECT) until a delegation probes it: the plans below do.
      mesh.awaitListed(leader.address(), Set.of(victim),
          Set.of(InstanceHealth.INSTANCE_HEALTH_HEALTHY, InstanceHealth.INSTANCE_HEALTH_SUSPECT), PartitionMesh.TAKE_OVER);
      Instant backAt = Instant.now();
      System.out.printf("PARTITION sub-orchestrator %s cut running %s; recovery (%s) of %s after %d ms;"
              + " healed, it registered again after %d ms%n", victim, task,
          recovery.getRecoveryPerformed().getResult().getRecoveryType(), moved,
          Duration.between(cutAt, recoveredAt).toMillis(), Duration.between(healedAt, backAt).toMillis());

      List<PlanEvent> events = run.watcher.awaitEnd(PLAN_END_SECONDS);
      PlanEvent last = events.get(events.size() - 1);
      assertThat(last.getPlanFinished().getState()).as("plan %s: %s%n%s", run.planId, last.getPlanFinished().getReason(),
          ChaosPlan.describe(events)).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
      assertThat(run.watcher.violations).isEmpty();
      assertThat(run.records().stream().map(Journal.JournalRecord::event).toList()).isEqualTo(events);
      assertThat(mesh.epoch().epoch()).as("no take-over: the cut was a sub-orchestrator's").isEqualTo(leader.epoch());
      // Every task succeeded exactly once; the moved ones on the backup, under a later attempt.
      assertThat(TakeOverRun.count(events, PlanEvent::hasTaskSucceeded, e -> e.getTaskSucceeded().getTaskId()))
          .hasSize(8).allSatisfy((t, n) -> assertThat(n).as("TaskSucceeded of %s", t).isEqualTo(1L));
      assertThat(events).filteredOn(e -> e.hasTaskSucceeded() && moved.contains(e.getTaskSucceeded().getTaskId()))
          .allSatisfy(e -> {
            assertThat(e.getTaskSucceeded().getInstanceId()).isEqualTo(backup);
            assertThat(e.getTaskSucceeded().getAttempt()).isGreaterThan(1);
          });
      assertThat(events).filteredOn(e -> e.hasTaskDelegated() && moved.contains(e.getTaskDelegated().getTaskId())
          && e.getTaskDelegated().getAttempt() > 1).allSatisfy(e -> assertThat(e.getTaskDelegated().getReason())
          .startsWith("failover from " + victim));
      List<PlanEvent> ignored = events.stream().filter(PlanEvent::hasTaskResultIgnored).toList();
      assertThat(ignored).as("results ignored").allSatisfy(e -> {
        assertThat(e.getTaskResultIgnored().getInstanceId()).isEqualTo(victim);
        assertThat(moved).contains(e.getTaskResultIgnored().getTaskId());
      });
      // The sub-orchestrators' own counters: the backup finished exactly what the journal credits
      // it with; the cut replica may have finished its orphaned executions too (their results were
      // not taken), but no more than the tasks moved off it.
      var loads = mesh.loads();
      long victimSucceeded = events.stream().filter(e -> e.hasTaskSucceeded()
          && e.getTaskSucceeded().getInstanceId().equals(victim)).count();
      long backupSucceeded = events.stream().filter(e -> e.hasTaskSucceeded()
          && e.getTaskSucceeded().getInstanceId().equals(backup)).count();
      long victimRan = loads.get(victimNode).getCompletedTasks() - run.before().get(victimNode).getCompletedTasks();
      assertThat(loads.get("backend2").getCompletedTasks() - run.before().get("backend2").getCompletedTasks())
          .as("executions finished on the backup").isEqualTo(backupSucceeded);
      assertThat(victimRan - victimSucceeded).as("executions the cut replica finished but the master did not take")
          .isBetween(0L, (long) moved.size());
      System.out.printf("PARTITION %s finished %d execution(s): %d taken, %d orphaned by the failover%n", victim,
          victimRan, victimSucceeded, victimRan - victimSucceeded);
      // Back in service: plans of more backend tasks than the backup has slots (5), until one runs
      // on the healed replica. The first probe may fail: the leader's connection to it may sit in
      // TCP's retransmission back-off, or wait for keepalive to replace it, for some seconds after
      // the heal; the breaker then waits and probes again.
      Instant servedAt = null;
      int plans = 0;
      while (servedAt == null) {
        assertThat(Duration.between(healedAt, Instant.now())).as("time for %s to take work again", victim)
            .isLessThan(PartitionMesh.TAKE_OVER);
        plans++;
        try (TakeOverRun after = TakeOverRun.submit(mesh, backendPlan(12, 10), 1 / 300.0)) {
          List<PlanEvent> more = after.watcher.awaitEnd(PLAN_END_SECONDS);
          assertThat(more.get(more.size() - 1).getPlanFinished().getState()).as("a plan after the heal: %s",
              ChaosPlan.describe(more)).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
          assertThat(TakeOverRun.count(more, PlanEvent::hasTaskSucceeded, e -> e.getTaskSucceeded().getTaskId()))
              .hasSize(12).allSatisfy((t, n) -> assertThat(n).isEqualTo(1L));
          if (more.stream().anyMatch(e -> e.hasTaskSucceeded() && e.getTaskSucceeded().getInstanceId().equals(victim))) {
            servedAt = Instant.now();
          }
        }
      }
      System.out.printf("PARTITION %s took work again within %d ms of the heal (%d plan(s) after it)%n", victim,
          Duration.between(healedAt, servedAt).toMillis(), plans);
      mesh.awaitRegistered(leader.address(), Set.of(victim), PartitionMesh.TAKE_OVER);
      System.out.println("PARTITION late results of " + victim + " ignored: " + ignored.stream()
          .map(e -> e.getTaskResultIgnored().getTaskId() + "#" + e.getTaskResultIgnored().getAttempt() + " "
              + e.getTaskResultIgnored().getOutcome()).toList());
    }
  }

  /** {@code n} independent backend tasks of {@code minutes} each, failing over when an instance is lost. */
  private static String backendPlan(int n, int minutes) {
    StringBuilder yaml = new StringBuilder("""
        apiVersion: baton.dev/v1
        kind: Plan
        metadata:
          name: partition-sub
        spec:
          strategy: parallel
          failureHandling: failover
          tasks:
        """);
    for (int i = 1; i <= n; i++) {
      yaml.append("""
              - id: endpoint-%02d
                description: REST API endpoint %d with its database queries
                orchestrator: backend
                estimate: %dm
          """.formatted(i, i, minutes));
    }
    return yaml.toString();
  }

  /** A write to {@code address} is refused UNAVAILABLE with a hint naming {@code leader}. */
  private static void assertStandby(String address, String leader) {
    SubmitPlanRequest probe = SubmitPlanRequest.newBuilder().setPlanYaml(TakeOverPlans.BARRIER)
        .setRequestId("partition-probe-" + System.nanoTime()).build();
    StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> PartitionMesh.submitTo(address, probe), address + " took a plan");
    assertThat(refused.getStatus().getCode()).as("%s: %s", address, refused.getStatus()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(LeaderHint.from(refused)).as("%s's hint", address).contains(leader);
  }
}

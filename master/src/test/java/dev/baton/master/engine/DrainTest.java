package dev.baton.master.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.master.MasterConfig;
import dev.baton.master.testing.FakeSubOrchestrator;
import dev.baton.master.testing.ManualMesh;
import dev.baton.master.testing.Plans;
import dev.baton.v1.InstanceHealth;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A draining instance (its heartbeats say so: a sub-orchestrator asked to stop, docs/resilience.md
 * "Graceful drain") is chosen for nothing new, keeps the task it runs, reports it back once, and is
 * not a failure: no breaker, no failover. On a manual clock against fake instances in process.
 */
class DrainTest {
  private ManualMesh mesh;

  @AfterEach
  void close() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void aDrainingInstanceFinishesItsTaskAndGetsNoNewOne() {
    mesh = ManualMesh.start(MasterConfig.builder().conflictDetector(dev.baton.master.sync.ConflictDetector.none()));
    FakeSubOrchestrator b1 = mesh.fake("backend-1", "backend", 1);
    // Ready at once: "first" goes to one of the two; "second" and "third" wait for it.
    String id = mesh.master.submit(Plans.plan("drain")
        .task("first", "backend", 10)
        .task("second", "backend", 5, "first")
        .task("third", "backend", 5, "first")
        .build(), 1.0);
    mesh.clock.advanceUntil(() -> b1.started().contains("first#1"), Duration.ofMinutes(1));
    FakeSubOrchestrator b2 = mesh.fake("backend-2", "backend", 1);

    b1.drain();
    mesh.clock.advanceUntil(() -> mesh.health().get("backend-1") == InstanceHealth.INSTANCE_HEALTH_DRAINING,
        Duration.ofSeconds(5));

    PlanStatus s = mesh.runToEnd(id, Duration.ofHours(1));
    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(b1.started()).as("the draining instance kept its task and got nothing new").containsExactly("first#1");
    assertThat(b2.started()).as("what became ready after the drain went to the other instance")
        .containsExactlyInAnyOrder("second#1", "third#1");
    List<PlanEvent> succeeded = mesh.events(id, PlanEvent.KindCase.TASK_SUCCEEDED);
    assertThat(succeeded).extracting(e -> e.getTaskSucceeded().getTaskId())
        .containsExactlyInAnyOrder("first", "second", "third");
    assertThat(mesh.events(id, PlanEvent.KindCase.TASK_DELEGATED)).as("each task delegated once").hasSize(3);
    assertThat(mesh.events(id, PlanEvent.KindCase.RECOVERY_PERFORMED)).as("draining is not a failure").isEmpty();
    assertThat(mesh.health().get("backend-1")).isEqualTo(InstanceHealth.INSTANCE_HEALTH_DRAINING);
  }

  @Test
  void whatADrainedInstanceStillHeldWhenItLeftFailsOver() {
    mesh = ManualMesh.start(MasterConfig.builder().conflictDetector(dev.baton.master.sync.ConflictDetector.none()));
    FakeSubOrchestrator b1 = mesh.fake("backend-1", "backend", 1);
    String id = mesh.master.submit(Plans.plan("handback").task("long", "backend", 60).build(), 1.0);
    mesh.clock.advanceUntil(() -> b1.started().contains("long#1"), Duration.ofMinutes(1));
    FakeSubOrchestrator b2 = mesh.fake("backend-2", "backend", 1);
    b1.drain();
    mesh.clock.advanceUntil(() -> mesh.health().get("backend-1") == InstanceHealth.INSTANCE_HEALTH_DRAINING,
        Duration.ofSeconds(5));

    // Its drain timed out: it leaves with the task unfinished (hands it back).
    b1.close();
    PlanStatus s = mesh.runToEnd(id, Duration.ofHours(3));
    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(b2.started()).containsExactly("long#2");
    assertThat(mesh.events(id, PlanEvent.KindCase.RECOVERY_PERFORMED)).singleElement()
        .satisfies(e -> assertThat(e.getRecoveryPerformed().getResult().getFailedOrchestrator()).isEqualTo("backend-1"));
    assertThat(mesh.events(id, PlanEvent.KindCase.TASK_SUCCEEDED)).hasSize(1);
  }
}

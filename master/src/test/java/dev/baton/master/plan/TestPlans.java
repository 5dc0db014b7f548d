package dev.baton.master.plan;

import dev.baton.v1.Plan;
import dev.baton.v1.PlanMetadata;
import dev.baton.v1.PlanSpec;
import dev.baton.v1.SyncPointSpec;
import dev.baton.v1.TaskSpec;
import java.util.List;

/** Small plans for graph tests, built as protos: {@code task("b", "frontend", "20m", "a")}. */
final class TestPlans {
  private TestPlans() {}

  static TaskSpec task(String id, String domain, String estimate, String... dependsOn) {
    return TaskSpec.newBuilder()
        .setId(id)
        .setOrchestrator(domain)
        .setEstimate(estimate)
        .addAllDependsOn(List.of(dependsOn))
        .build();
  }

  static SyncPointSpec point(String name, List<String> after, List<String> before) {
    return SyncPointSpec.newBuilder()
        .setName(name)
        .addParticipants("frontend")
        .addParticipants("backend")
        .addAllAfter(after)
        .addAllBefore(before)
        .build();
  }

  static Plan plan(String strategy, List<TaskSpec> tasks, List<SyncPointSpec> points) {
    return Plan.newBuilder()
        .setApiVersion("baton.dev/v1")
        .setKind("Plan")
        .setMetadata(PlanMetadata.newBuilder().setName("test"))
        .setSpec(PlanSpec.newBuilder().setStrategy(strategy).addAllTasks(tasks).addAllSyncPoints(points))
        .build();
  }

  static PlanModel.Plan compile(String strategy, List<TaskSpec> tasks, List<SyncPointSpec> points) {
    return PlanCompiler.compile(plan(strategy, tasks, points));
  }

  static PlanModel.Plan compile(String strategy, TaskSpec... tasks) {
    return compile(strategy, List.of(tasks), List.of());
  }
}

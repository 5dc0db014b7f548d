package dev.baton.master.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.master.plan.PlanModel;
import dev.baton.master.testing.Plans;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrategyTest {
  private final PlanModel.Plan plan = Plans.plan("p")
      .task("ui", "frontend", 5)
      .task("db", "backend", 5, "api")   // listed before its dependency
      .task("api", "backend", 5)
      .task("deploy", "devops", 5)
      .build();

  private List<PlanModel.Task> tasks(String... ids) {
    return java.util.Arrays.stream(ids).map(plan::task).toList();
  }

  @Test
  void parallelAdmitsEveryReadyTask() {
    assertThat(new ParallelStrategy().admit(tasks("ui", "api", "deploy"), tasks("db")))
        .extracting(PlanModel.Task::id).containsExactly("ui", "api", "deploy");
  }

  @Test
  void sequentialAdmitsOneTaskInTopologicalOrderAndNothingWhileOneIsInFlight() {
    var s = new SequentialCheckpointedStrategy(plan);
    assertThat(s.admit(tasks("ui", "api", "deploy"), List.of())).extracting(PlanModel.Task::id).containsExactly("ui");
    assertThat(s.admit(tasks("api", "deploy"), tasks("ui"))).isEmpty();
    assertThat(SequentialCheckpointedStrategy.topologicalRank(plan))
        .containsEntry("ui", 0).containsEntry("api", 1).containsEntry("db", 2).containsEntry("deploy", 3);
    assertThat(s.checkpointScope(plan.task("api"))).containsExactly("ui", "db", "api", "deploy");
  }

  @Test
  void hybridAdmitsOneTaskPerFreeDomainTheOneWithMostRemainingWork() {
    var s = new HybridParallelSequentialStrategy(plan);
    // api (5 + db's 5 waiting for it) before db (5), though db is listed first.
    assertThat(s.admit(tasks("ui", "db", "api", "deploy"), List.of()))
        .extracting(PlanModel.Task::id).containsExactly("ui", "api", "deploy");
    assertThat(s.admit(tasks("ui", "api", "deploy"), tasks("db")))
        .extracting(PlanModel.Task::id).containsExactly("ui", "deploy");
    assertThat(s.checkpointScope(plan.task("api"))).containsExactly("db", "api");
  }
}

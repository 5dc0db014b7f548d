package dev.baton.master.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.master.plan.PlanModel;
import dev.baton.master.testing.Plans;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskIndexTest {

  @Test
  void remainingWorkFollowsDependenciesAndSyncPointGates() {
    // api (10) -> ui (30); db (5) gates deploy (40) through sync point "contract"; lint (2) alone.
    PlanModel.Plan plan = Plans.plan("shape")
        .task("api", "backend", 10)
        .task("ui", "frontend", 30, "api")
        .task("db", "backend", 5)
        .task("deploy", "devops", 40)
        .task("lint", "testing", 2)
        .sync("contract", PlanModel.SyncMode.TIGHT, List.of("backend", "devops"), List.of("db"), List.of("deploy"))
        .build();

    TaskIndex index = new TaskIndex(plan);

    assertThat(index.rank("ui")).isEqualTo(30 * 60_000.0);
    assertThat(index.rank("api")).isEqualTo(40 * 60_000.0);
    assertThat(index.rank("deploy")).isEqualTo(40 * 60_000.0);
    assertThat(index.rank("db")).as("the gate makes deploy wait for db").isEqualTo(45 * 60_000.0);
    assertThat(index.rank("lint")).isEqualTo(2 * 60_000.0);
    assertThat(index.rank("db-fix-1-backend")).as("a task the plan did not have goes first")
        .isEqualTo(TaskIndex.ADDED_TASK_RANK);
    assertThat(index.waiters(index.position("api"))).containsExactly(index.position("ui"));
    assertThat(index.waiters(index.position("db"))).containsExactly(index.position("deploy"));
    assertThat(index.gated().stream().boxed().toList()).containsExactly(index.position("deploy"));
  }
}

package dev.baton.master.plan;

import static dev.baton.master.plan.TestPlans.compile;
import static dev.baton.master.plan.TestPlans.point;
import static dev.baton.master.plan.TestPlans.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskGraphTest {
  static List<List<String>> levels(PlanModel.Plan plan) {
    return plan.analysis().levels().stream().map(PlanModel.Level::taskIds).toList();
  }

  @Test
  void groupsADiamondIntoThreeLevels() {
    PlanModel.Plan plan = compile(
        "parallel",
        task("a", "backend", "10m"),
        task("b", "frontend", "10m", "a"),
        task("c", "devops", "10m", "a"),
        task("d", "testing", "10m", "b", "c"));

    assertThat(levels(plan)).containsExactly(List.of("a"), List.of("b", "c"), List.of("d"));
    assertThat(plan.analysis().levels().get(1).domains()).containsExactly("frontend", "devops");
  }

  @Test
  void levelIsOnePlusTheHighestPrerequisiteLevel() {
    PlanModel.Plan plan = compile(
        "parallel",
        task("x", "backend", "10m"),
        task("y", "backend", "10m", "x"),
        task("z", "backend", "10m", "y"),
        task("w", "frontend", "10m", "x", "z"),
        task("v", "devops", "10m"));

    assertThat(levels(plan)).containsExactly(List.of("x", "v"), List.of("y"), List.of("z"), List.of("w"));
  }

  @Test
  void syncPointGatesCountAsPrerequisites() {
    PlanModel.Plan plan = compile(
        "parallel",
        List.of(task("api", "backend", "10m"), task("ui", "frontend", "10m"), task("docs", "backend", "5m")),
        List.of(point("Contract", List.of("api"), List.of("ui"))));

    assertThat(levels(plan)).containsExactly(List.of("api", "docs"), List.of("ui"));
    assertThat(plan.analysis().criticalPath()).containsExactly("api", "ui");
    assertThat(plan.analysis().assignments().get(0).dependsOnDomains()).containsExactly("backend");
  }

  @Test
  void namesTheDependencyCycleInOrder() {
    assertThatThrownBy(() -> compile(
            "parallel",
            task("start", "backend", "10m"),
            task("a", "backend", "10m", "start", "b"),
            task("b", "frontend", "10m", "c"),
            task("c", "devops", "10m", "a")))
        .isInstanceOf(PlanException.class)
        .hasMessage("spec.tasks[1].dependsOn: dependency cycle: a -> b -> c -> a"
            + " (expected: dependencies without cycles; remove one of them)");
  }

  @Test
  void namesTheSyncPointThatDeadlocksAgainstTheDependencies() {
    // ui waits for Contract, which waits for api, which (through schema) depends on ui.
    assertThatThrownBy(() -> compile(
            "parallel",
            List.of(task("ui", "frontend", "10m"), task("schema", "backend", "10m", "ui"),
                task("api", "backend", "10m", "schema")),
            List.of(point("Contract", List.of("api"), List.of("ui")))))
        .hasMessageStartingWith("spec.syncPoints[0]: sync point 'Contract' deadlocks against the dependencies:"
            + " its before task 'ui' is a prerequisite of its after tasks:"
            + " ui -> [sync point 'Contract'] -> api -> schema -> ui");
  }

  /*
   * Worked example: a(backend 30) -> b(frontend 20) -> d(testing 15); c(backend 40) -> d.
   *   critical path a, b, d = 65; sequential 30 + 20 + 40 + 15 = 105.
   *   parallel: a, c at 0; b 30..50; c ends 40; d 50..65 -> 65.
   *   hybrid: backend one at a time in plan order: a 0..30, c 30..70; b 30..50; d 70..85 -> 85.
   */
  @ParameterizedTest(name = "{0}: {1} min")
  @CsvSource({"parallel, 65", "hybrid_parallel_sequential, 85", "sequential_checkpointed, 105"})
  void estimatesTheMakespanOfEachStrategy(String strategy, double minutes) {
    PlanModel.Plan plan = compile(
        strategy,
        task("a", "backend", "30m"),
        task("b", "frontend", "20m", "a"),
        task("c", "backend", "40m"),
        task("d", "testing", "15m", "b", "c"));

    assertThat(plan.analysis().criticalPath()).containsExactly("a", "b", "d");
    assertThat(plan.analysis().criticalPathMinutes()).isEqualTo(65);
    assertThat(plan.analysis().sequentialMinutes()).isEqualTo(105);
    assertThat(plan.analysis().estimatedMakespanMinutes()).isEqualTo(minutes);
  }

  /* Six independent 10-minute tasks per domain: capacity 5 or 4 makes two rounds in parallel. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"frontend, 20, 60", "backend, 20, 60", "devops, 20, 60", "testing, 20, 60"})
  void parallelRespectsEachDomainsCapacity(String domain, double parallel, double hybrid) {
    List<dev.baton.v1.TaskSpec> tasks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      tasks.add(task("t" + i, domain, "10m"));
    }
    assertThat(compile("parallel", tasks, List.of()).analysis().estimatedMakespanMinutes()).isEqualTo(parallel);
    assertThat(compile("hybrid_parallel_sequential", tasks, List.of()).analysis().estimatedMakespanMinutes())
        .isEqualTo(hybrid);
  }

  @Test
  void devopsAndTestingRunFourAtOnceFrontendAndBackendFive() {
    List<dev.baton.v1.TaskSpec> tasks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tasks.add(task("f" + i, "frontend", "10m"));
      tasks.add(task("o" + i, "devops", "10m"));
    }
    // frontend's five fit in one round; devops needs a second round for its fifth task.
    assertThat(compile("parallel", tasks, List.of()).analysis().estimatedMakespanMinutes()).isEqualTo(20);
    assertThat(MakespanEstimator.MAX_CONCURRENT_TASKS)
        .containsEntry("frontend", 5).containsEntry("backend", 5).containsEntry("devops", 4).containsEntry("testing", 4);
  }

  @Test
  void hybridStartsALaterReadyTaskWhileAnEarlierOneWaits() {
    // frontend's first task waits for backend; its second is ready at once and runs meanwhile.
    PlanModel.Plan plan = compile(
        "hybrid_parallel_sequential",
        task("api", "backend", "30m"),
        task("ui", "frontend", "10m", "api"),
        task("style", "frontend", "20m"));

    assertThat(plan.analysis().estimatedMakespanMinutes()).isEqualTo(40);
  }
}

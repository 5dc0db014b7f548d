package dev.baton.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Figure 9's harness, small: Baton's side through a mesh of real processes always; Temporal's side
 * only where the Temporal CLI was built ({@code scripts/install-tools.sh --temporal}; the test
 * command does not build it, so there it is skipped). No thresholds: behaviour, not speed.
 */
class TemporalComparisonTest {
  private static final List<NoOpPlan> PLANS = List.of(NoOpPlan.one(), NoOpPlan.parallel(12), NoOpPlan.chain(4));

  @Test
  void batonRunsEachNoOpPlanThroughSeparateProcessesAndReportsEveryTaskDoneOnce() {
    try (BatonPeer baton = BatonPeer.start("Baton (in memory)", TemporalComparisonBench.MEMORY_ARGS)) {
      for (NoOpPlan plan : PLANS) {
        PeerSystem.Run run = baton.run(plan);
        assertThat(run.tasksDone()).as(plan.label()).isEqualTo(plan.tasks());
        assertThat(run.millis()).as(plan.label()).isPositive();
      }
    }
  }

  @Test
  void temporalRunsEachNoOpPlanOnItsDevServerAndTheWorkerExecutesEveryActivityOnce() {
    Path binary = TemporalDevServer.defaultBinary();
    assumeTrue(Files.isExecutable(binary), "no Temporal CLI at " + binary + " (scripts/install-tools.sh --temporal)");
    try (TemporalPeer temporal = TemporalPeer.start(binary, TemporalDevServer.Store.FILE, List.of())) {
      for (NoOpPlan plan : PLANS) {
        PeerSystem.Run run = temporal.run(plan);
        assertThat(run.tasksDone()).as(plan.label()).isEqualTo(plan.tasks());
        assertThat(run.millis()).as(plan.label()).isPositive();
      }
    }
  }

  @Test
  void quickFigureNinePutsBothSidesInOneTable() throws Exception {
    Path binary = TemporalDevServer.defaultBinary();
    assumeTrue(Files.isExecutable(binary), "no Temporal CLI at " + binary + " (scripts/install-tools.sh --temporal)");

    String report = BenchSuite.run(BenchSuite.Options.parse("--quick", "--only", "9", "--temporal-stores", "memory",
        "--baton-journal", "off", "--peer-runs", "3", "--peer-warmup", "1"));

    assertThat(report).contains("### 9. Baton beside Temporal", "temporal version " + TemporalDevServer.VERSION,
        "| plan, figure | Temporal (SQLite in memory) | Baton (in memory) |", "| one task: p50 ms |",
        "| 20 parallel: median ms |", "| chain of 5: ms per step (median run) |");
    assertThat(report.lines().filter(l -> l.startsWith("| ") && !l.contains("---")))
        .hasSize(9).allSatisfy(l -> assertThat(l).doesNotContain("n/a").doesNotContain("|  |"));
    System.out.println(report);
  }

  @Test
  void figureNineIsRunOnlyWhenNamed() {
    assertThat(BenchSuite.quick().only()).doesNotContain(9);
    assertThat(BenchSuite.Options.parse().only()).doesNotContain(9);
    assertThat(BenchSuite.Options.parse("--only", "9").only()).containsExactly(9);
  }

  @Test
  void refusesAParallelPlanOverTemporalsPendingActivityLimitAndSaysWhy() {
    assertThatThrownBy(() -> BenchSuite.Options.parse("--only", "9", "--peer-parallel", "2001"))
        .hasMessageContaining("--peer-parallel: 2001 (expected: 1..2000")
        .hasMessageContaining("2,000 pending activities");
    assertThatThrownBy(() -> BenchSuite.Options.parse("--temporal-stores", "disk"))
        .hasMessageContaining("--temporal-stores: 'disk'").hasMessageContaining("file,memory");
    assertThatThrownBy(() -> BenchSuite.Options.parse("--baton-journal", "maybe"))
        .hasMessageContaining("auto, on or off");
    assertThatThrownBy(() -> BenchSuite.Options.parse("--peer-runs")).hasMessageContaining("--peer-runs needs a value");
  }

  @Test
  void refusesToRunWithoutTheTemporalCliAndNamesTheCommandThatBuildsIt(@org.junit.jupiter.api.io.TempDir Path dir) {
    BenchSuite.Options o = BenchSuite.Options.parse("--quick", "--only", "9", "--temporal-bin",
        dir.resolve("temporal").toString());

    assertThatThrownBy(() -> BenchSuite.run(o))
        .hasMessageContaining("no Temporal CLI at " + dir.resolve("temporal"))
        .hasMessageContaining("scripts/install-tools.sh --temporal");
  }

  @Test
  void parsesThePeerOptionsOverTheQuickDefaults() {
    PeerOptions o = BenchSuite.Options.parse("--quick", "--peer-runs", "7", "--peer-parallel", "2000",
        "--temporal-stores", "memory", "--baton-journal", "off", "--temporal-server-arg", "--log-level",
        "--temporal-server-arg", "error").peer();

    assertThat(o.oneTaskRuns()).isEqualTo(7);
    assertThat(o.parallelTasks()).isEqualTo(2000);
    assertThat(o.chainTasks()).isEqualTo(5);
    assertThat(o.temporalStores()).containsExactly(TemporalDevServer.Store.MEMORY);
    assertThat(o.batonJournal()).isEqualTo(PeerOptions.Journal.OFF);
    assertThat(o.temporalServerArgs()).containsExactly("--log-level", "error");
  }
}

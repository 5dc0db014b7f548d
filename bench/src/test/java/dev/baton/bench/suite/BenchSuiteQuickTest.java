package dev.baton.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Proves the suite's harness runs every figure end to end on real servers (no thresholds). */
class BenchSuiteQuickTest {

  @Test
  void quickModeMeasuresEveryFigure() throws Exception {
    String report = BenchSuite.run(BenchSuite.quick());

    assertThat(report).contains("### 1. Delegation overhead", "raw grpc-java unary call",
        "### 2. Throughput", "### 3. Scheduling quality", "e-commerce (hybrid, as written)", "wide 100",
        "deep 100", "mixed 100", "### 4. Scheduler cost", "### 5. Barrier latency",
        "### 6. Git at repository scale", "clone --shared", "### 7. Dependency finished to agent started",
        "dependency TaskSucceeded -> agent process started", "### 8. Concurrent agents on one sub-orchestrator",
        "open file descriptors", "### 10. Security overhead", "mTLS + authorization",
        "### 11. Metrics and tracing overhead", "metrics + tracing 100 %");
    // Every table row carries numbers, none left empty or n/a.
    assertThat(report.lines().filter(l -> l.startsWith("| ") && !l.contains("---")))
        .allSatisfy(l -> assertThat(l).doesNotContain("n/a").doesNotContain("|  |"));
    System.out.println(report);
  }

  @Test
  void refusesUnknownOptionAndNamesTheLegalOnes() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchSuite.Options.parse("--fast"))
        .hasMessageContaining("unknown option '--fast'").hasMessageContaining("--quick");
  }
}

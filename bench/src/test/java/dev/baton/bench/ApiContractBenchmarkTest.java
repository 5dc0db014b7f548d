package dev.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** A quick proof that the harness runs the benchmark (no thresholds: figures come from the jar). */
class ApiContractBenchmarkTest {

  @Test
  void benchmarkRunsOnceWithMinimalIterations() throws RunnerException {
    Collection<RunResult> results = new Runner(new OptionsBuilder()
        .include(ApiContractBenchmark.class.getName())
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(200))
        .shouldFailOnError(true)
        .build()).run();
    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.getParams().getParam("operations")).isEqualTo("200");
      assertThat(r.getPrimaryResult().getScore()).isPositive();
    });
  }

  @Test
  void generatedPairHasTheAskedOperationsAndIsDeterministic() {
    OpenApiPairGenerator.Pair a = OpenApiPairGenerator.generate(1, 200, 5);
    OpenApiPairGenerator.Pair b = OpenApiPairGenerator.generate(1, 200, 5);
    assertThat(a).isEqualTo(b);
    assertThat(a.provider().split("\n    (get|put|post):", -1)).hasSize(201);
    assertThat(a.consumer().split("\n    (get|put|post):", -1)).hasSize(201);
  }
}

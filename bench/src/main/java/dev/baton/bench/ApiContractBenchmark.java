package dev.baton.bench;

import dev.baton.master.conflict.CompositeConflictDetector;
import dev.baton.master.plan.PlanModel;
import dev.baton.v1.CrossOrchestratorConflict;
import dev.baton.v1.SharedDocument;
import dev.baton.v1.SharedState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Detector time at a sync point for a pair of OpenAPI documents: what the master spends between the
 * last arrival and the release on an api_contract point, parsing both documents (swagger-parser)
 * and comparing them. Documents are generated from a fixed seed; 5 seeded defects.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ApiContractBenchmark {
  static final long SEED = 20261125L;
  static final int DEFECTS = 5;

  @Param({"200"})
  public int operations;

  private CompositeConflictDetector detector;
  private PlanModel.SyncPoint point;
  private List<SharedState> states;

  @Setup
  public void setUp() {
    OpenApiPairGenerator.Pair pair = OpenApiPairGenerator.generate(SEED, operations, DEFECTS);
    detector = CompositeConflictDetector.standard();
    point = new PlanModel.SyncPoint("API Contract Agreement", List.of("frontend", "backend"), List.of("design"),
        List.of("ui"), PlanModel.SyncMode.TIGHT, List.of(PlanModel.Check.API_CONTRACT), Duration.ofMinutes(10));
    states = List.of(
        state("frontend", "api_contract", "api/client.yaml", pair.consumer()),
        state("backend", "api_implementation", "api/openapi.yaml", pair.provider()));
    // A benchmark of a detector that finds the wrong thing measures nothing: check the answer once.
    // Each defect is read by two operations of its resource (the list and the read responses).
    int found = detect().size();
    if (found != DEFECTS * 2) {
      throw new IllegalStateException("expected " + DEFECTS * 2 + " conflicts, found " + found + ": " + detect());
    }
  }

  private static SharedState state(String domain, String kind, String name, String content) {
    return SharedState.newBuilder().setDomain(domain).setInstanceId(domain + "-1")
        .addDocuments(SharedDocument.newBuilder().setKind(kind).setName(name).setContent(content)).build();
  }

  @Benchmark
  public List<CrossOrchestratorConflict> detect() {
    return detector.detect(point, states);
  }
}

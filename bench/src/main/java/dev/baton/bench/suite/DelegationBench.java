package dev.baton.bench.suite;

import dev.baton.master.plan.PlanModel;
import dev.baton.v1.PlanEvent;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Figure 1: a no-op task's round trip (submit a one-task plan, master delegates to a
 * sub-orchestrator, its sim droid finishes at once, the result comes back on WatchExecution, the
 * plan finishes) beside a raw grpc-java unary call ({@code grpc.health.v1.Health/Check} on its own
 * Netty server) on the same machine, interleaved one for one in the same run.
 */
final class DelegationBench {
  private DelegationBench() {}

  static void run(Report report, boolean quick) throws IOException, InterruptedException {
    int warmup = quick ? 20 : 500;
    int samples = quick ? 50 : 2000;
    HealthStatusManager health = new HealthStatusManager();
    Server raw = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(health.getHealthService()).build().start();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", raw.getPort()).usePlaintext().build();
    HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(channel);
    List<Double> rawMs = new ArrayList<>();
    List<Double> planMs = new ArrayList<>();
    List<Double> taskMs = new ArrayList<>();
    try (Mesh mesh = Mesh.start(1, 0)) {
      PlanModel.Plan plan = PlanGen.compile(PlanGen.noOps("noop", 1, 1));
      for (int i = 0; i < warmup + samples; i++) {
        long t0 = System.nanoTime();
        stub.withDeadlineAfter(5, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
        long t1 = System.nanoTime();
        List<PlanEvent> events = mesh.run(plan, PlanGen.NO_OP_SCALE, Duration.ofSeconds(10));
        long t2 = System.nanoTime();
        if (i >= warmup) {
          rawMs.add((t1 - t0) / 1e6);
          planMs.add((t2 - t1) / 1e6);
          taskMs.add(Stats.millis(first(events, "TASK_READY"), first(events, "TASK_SUCCEEDED")));
        }
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      raw.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    report.section("1. Delegation overhead", warmup + " warm-up and " + samples
        + " measured round trips of each, interleaved one for one. Baton: `MasterServer.submit` of a one-task plan"
        + " (sim droid, 0 ms) until its PlanFinished event reaches a store subscriber; task only: TaskReady to"
        + " TaskSucceeded event times. Raw: `grpc.health.v1.Health/Check` on a plain grpc-java Netty server.");
    report.header("path", "p50 ms", "p99 ms", "p50 / raw", "p99 / raw");
    double rawP50 = Stats.percentile(rawMs, 50);
    double rawP99 = Stats.percentile(rawMs, 99);
    report.row("raw grpc-java unary call", rawP50, rawP99, 1.0, 1.0);
    for (var e : List.of(List.<Object>of("baton task (ready -> succeeded)", taskMs),
        List.<Object>of("baton one-task plan (submit -> finished)", planMs))) {
      @SuppressWarnings("unchecked")
      List<Double> v = (List<Double>) e.get(1);
      double p50 = Stats.percentile(v, 50);
      double p99 = Stats.percentile(v, 99);
      report.row(e.get(0), p50, p99, p50 / rawP50, p99 / rawP99);
    }
  }

  static PlanEvent first(List<PlanEvent> events, String kind) {
    for (PlanEvent e : events) {
      if (e.getKindCase().name().equals(kind)) {
        return e;
      }
    }
    throw new IllegalStateException("no " + kind + " event in " + events.size() + " events");
  }
}

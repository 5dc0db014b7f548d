package dev.baton.bench.suite;

import dev.baton.master.plan.PlanModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Figure 10: what security costs. Two meshes of one replica per domain in this JVM, side by side
 * in one run: plaintext with every caller trusted (what the other figures measure), and mutual TLS
 * on every hop with the authorization interceptor on every server (the master authenticates each
 * instance by its certificate's identity, each instance admits only the master's). The delegation
 * overhead is measured interleaved one for one (a one-task plan on each mesh in turn), the
 * throughput one mesh after the other (in alternating order per round) on the same plan.
 */
final class SecurityBench {
  private SecurityBench() {}

  static void run(Report report, boolean quick, int tasks) throws Exception {
    int warmup = quick ? 10 : 300;
    int samples = quick ? 30 : 1500;
    int rounds = quick ? 1 : 3;
    Path pki = Files.createTempDirectory("baton-bench-pki");
    List<Double> plainPlan = new ArrayList<>();
    List<Double> securePlan = new ArrayList<>();
    List<Double> plainTask = new ArrayList<>();
    List<Double> secureTask = new ArrayList<>();
    double[] plainSeconds = new double[rounds];
    double[] secureSeconds = new double[rounds];
    try (Mesh plain = Mesh.start(1, ThroughputBench.SLOTS, null, Mesh.Securities.OPEN);
        Mesh secure = Mesh.start(1, ThroughputBench.SLOTS, null, SecuredMesh.mutualTls(pki))) {
      PlanModel.Plan one = PlanGen.compile(PlanGen.noOps("noop", 1, 1));
      for (int i = 0; i < warmup + samples; i++) {
        boolean plainFirst = i % 2 == 0;
        for (int side = 0; side < 2; side++) {
          boolean isPlain = (side == 0) == plainFirst;
          Mesh mesh = isPlain ? plain : secure;
          long t0 = System.nanoTime();
          var events = mesh.run(one, PlanGen.NO_OP_SCALE, Duration.ofSeconds(10));
          long t1 = System.nanoTime();
          if (i >= warmup) {
            (isPlain ? plainPlan : securePlan).add((t1 - t0) / 1e6);
            (isPlain ? plainTask : secureTask).add(Stats.millis(DelegationBench.first(events, "TASK_READY"),
                DelegationBench.first(events, "TASK_SUCCEEDED")));
          }
        }
      }
      PlanModel.Plan many = PlanGen.compile(PlanGen.noOps("throughput", tasks, 1));
      plain.run(many, PlanGen.NO_OP_SCALE, Duration.ofMinutes(10));
      secure.run(many, PlanGen.NO_OP_SCALE, Duration.ofMinutes(10));
      for (int r = 0; r < rounds; r++) {
        for (int side = 0; side < 2; side++) {
          boolean isPlain = (side == 0) == (r % 2 == 0);
          Mesh mesh = isPlain ? plain : secure;
          long t0 = System.nanoTime();
          mesh.run(many, PlanGen.NO_OP_SCALE, Duration.ofMinutes(10));
          (isPlain ? plainSeconds : secureSeconds)[r] = (System.nanoTime() - t0) / 1e9;
        }
      }
    }
    report.section("10. Security overhead", warmup + " warm-up and " + samples + " measured one-task plans on each"
        + " mesh, interleaved one for one; then " + rounds + " round(s) of one plan of " + tasks + " no-op tasks on"
        + " each (order alternating). One replica per domain, master and sub-orchestrators in one JVM on localhost"
        + " Netty. Plaintext: every caller trusted. mTLS + authorization: TLS 1.3 with client certificates on every"
        + " hop (Execute, Coordinate, Peer) and the access table checked on every call; plans submitted in process.");
    report.header("mesh", "one-task plan p50 ms", "p99 ms", "task p50 ms", "task p99 ms", "tasks/s (best)");
    report.row("plaintext, open", Stats.percentile(plainPlan, 50), Stats.percentile(plainPlan, 99),
        Stats.percentile(plainTask, 50), Stats.percentile(plainTask, 99), tasks / min(plainSeconds));
    report.row("mTLS + authorization", Stats.percentile(securePlan, 50), Stats.percentile(securePlan, 99),
        Stats.percentile(secureTask, 50), Stats.percentile(secureTask, 99), tasks / min(secureSeconds));
  }

  private static double min(double[] v) {
    double m = Double.MAX_VALUE;
    for (double d : v) {
      m = Math.min(m, d);
    }
    return m;
  }
}

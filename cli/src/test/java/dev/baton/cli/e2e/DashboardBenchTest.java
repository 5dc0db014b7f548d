package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.cli.mesh.Mesh;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.v1.SubmitPlanRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The dashboard's figures (BENCHMARKS.md, "Issue 13: dashboard"), opt-in: a 10,000-task plan (100
 * levels of 100 tasks, each after one task of the level before, simulated droids) on a real mesh,
 * its page in headless chromium (cli/src/test/web/dashboard-bench.mjs): time to first render and
 * the latency from an event's append at the master to the DOM showing it. Run with
 * {@code ./mvnw -B -ntp verify -pl cli -am -Dtest=DashboardBenchTest -Dbaton.dashboard.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dfuzz.skip=true}; the figures go to
 * cli/target/dashboard-bench.json.
 */
@EnabledIfSystemProperty(named = "baton.dashboard.bench", matches = "true")
class DashboardBenchTest {
  static final int LEVELS = 100;
  static final int WIDTH = 100;
  private static final List<String> DOMAINS = List.of("frontend", "backend", "devops", "testing");

  static String plan() {
    StringBuilder y = new StringBuilder("""
        apiVersion: baton.dev/v1
        kind: Plan
        metadata:
          name: dashboard-bench
        spec:
          strategy: parallel
          tasks:
        """);
    for (int l = 0; l < LEVELS; l++) {
      for (int i = 0; i < WIDTH; i++) {
        y.append("    - {id: t").append(l).append('-').append(i).append(", description: b, orchestrator: ")
            .append(DOMAINS.get(i % DOMAINS.size())).append(", estimate: 1m");
        if (l > 0) {
          y.append(", dependsOn: [t").append(l - 1).append('-').append((i * 7) % WIDTH).append(']');
        }
        y.append("}\n");
      }
    }
    return y.toString();
  }

  @Test
  void measuresFirstRenderAndUpdateLatencyWithTenThousandTasks() throws Exception {
    Path runDir = MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve("dashboard-bench"));
    MeshLauncher launcher = new MeshLauncher(MeshLauncher.Options.in(runDir).withMasterArgs(List.of("--dashboard-port", "0")));
    try {
      Mesh mesh = launcher.startMesh(0);
      String planId;
      try (MasterApi api = new MasterApi(mesh.masterAddress())) {
        // 1 estimated minute = 10 ms of wall clock.
        planId = api.call().submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(plan()).setTimeScale(1.0 / 6000).build())
            .getPlanId();
      }
      Path out = Path.of("target", "dashboard-bench.json").toAbsolutePath();
      ProcessBuilder pb = new ProcessBuilder("node",
          TestPaths.repoRoot().resolve("cli/src/test/web/dashboard-bench.mjs").toString(),
          mesh.master().readyLine().dashboard(), planId, out.toString()).inheritIO();
      pb.environment().put("BATON_BROWSER_MODULES",
          TestPaths.repoRoot().resolve(".tools/dashboard-browser/node_modules").toString());
      Process node = pb.start();
      try {
        assertThat(node.waitFor(15, TimeUnit.MINUTES)).isTrue();
      } finally {
        node.destroyForcibly();
      }
      assertThat(node.exitValue()).as(Files.readString(out)).isZero();
    } finally {
      try {
        launcher.close();
      } finally {
        launcher.killAll();
      }
    }
  }
}

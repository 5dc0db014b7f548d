package dev.baton.cli.e2e;

import static dev.baton.cli.e2e.Probes.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.cli.mesh.LaunchedProcess;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.v1.GetDashboardRequest;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe ports of real {@code baton master} and {@code baton orchestrator} processes, as a
 * kubelet and Prometheus see them: readiness on the plaintext health port follows registration and
 * drain in order, liveness stays SERVING to the end, the port serves nothing but health, and the
 * gauges of {@code /metrics} say what runs while a task runs and while the instance drains.
 */
class ProbesEndToEndTest {
  private static final Duration READY = Duration.ofSeconds(90);
  private static final List<String> PROBE_ARGS = List.of("--health-port", "0", "--metrics-port", "0");

  private MeshLauncher launcher;
  @TempDir Path dir;

  @AfterEach
  void stop() {
    if (launcher != null) {
      try {
        launcher.close();
      } finally {
        launcher.killAll();
      }
    }
  }

  @Test
  void readinessFollowsRegistrationAndDrainAndTheGaugesFollowTheTask() throws Exception {
    launcher = new MeshLauncher(MeshLauncher.Options.in(MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve("probes")))
        .withReadyTimeout(READY).withMasterArgs(PROBE_ARGS));
    int masterPort = freePort();

    // The sub-orchestrator first: until a master answers it is alive but not ready.
    LaunchedProcess orch = launcher.launch("backend", List.of("orchestrator", "--domain", "backend",
        "--master", "127.0.0.1:" + masterPort, "--host", "127.0.0.1", "--port", "0",
        "--workspace", launcher.options().workspaceRoot().resolve("backend").toString(),
        "--max-concurrent-tasks", "2", "--drain-timeout", "60s", "--health-port", "0", "--metrics-port", "0"));
    try (Probes o = Probes.of(orch, READY)) {
      Probes.Watch readiness = o.watch("");
      await("the first status").atMost(Duration.ofSeconds(10)).until(() -> readiness.last() != null);
      assertThat(o.check("")).isEqualTo(ServingStatus.NOT_SERVING);
      assertThat(o.check("baton.v1.SubOrchestrator")).isEqualTo(ServingStatus.NOT_SERVING);
      assertThat(o.check("liveness")).isEqualTo(ServingStatus.SERVING);
      Map<String, Double> idle = o.scrape();
      assertThat(value(idle, "baton_orchestrator_slots")).isEqualTo(2.0);
      assertThat(value(idle, "baton_orchestrator_slots_in_use")).isZero();
      assertThat(value(idle, "baton_orchestrator_draining")).isZero();
      assertThat(idle.keySet()).anyMatch(k -> k.startsWith("baton_orchestrator_slots{") && k.contains("domain=\"backend\""));

      LaunchedProcess master = launcher.startMaster(masterPort);
      try (Probes m = Probes.of(master, READY); MasterApi api = new MasterApi(master.address())) {
        await("registered: readiness SERVING").atMost(READY).until(() -> readiness.last() == ServingStatus.SERVING);
        assertThat(o.check("baton.v1.SubOrchestrator")).isEqualTo(ServingStatus.SERVING);
        assertThat(m.check("")).isEqualTo(ServingStatus.SERVING);
        assertThat(m.check("baton.v1.Master")).isEqualTo(ServingStatus.SERVING);
        assertThat(value(m.scrape(), "baton_master_leader")).isEqualTo(1.0);
        assertThat(value(m.scrape(), "baton_master_plans_active")).isZero();
        // grpcurl, as a person would check a probe by hand: the port serves health alone (no
        // reflection), so grpcurl is given health.proto (grpc-services ships it).
        Path protos = healthProto();
        for (String address : List.of(m.healthAddress, o.healthAddress)) {
          ProcessRun run = ProcessRun.exec(List.of(TestPaths.tool("grpcurl").toString(), "-plaintext",
              "-import-path", protos.toString(), "-proto", HEALTH_PROTO,
              "-d", "{\"service\":\"liveness\"}", address, "grpc.health.v1.Health/Check"), Duration.ofSeconds(30));
          assertThat(run.exitCode()).as(run.toString()).isZero();
          assertThat(run.stdout()).as(address).contains("\"status\": \"SERVING\"");
        }
        assertThat(servesOnlyHealth(m.healthAddress)).isTrue();
        assertThat(m.httpStatus("GET", "/other")).isEqualTo(404);
        assertThat(m.httpStatus("POST", "/metrics")).isEqualTo(405);

        ChaosPlan plan = ChaosPlan.submit(api, """
            apiVersion: baton.dev/v1
            kind: Plan
            metadata:
              name: probes
            spec:
              strategy: parallel
              tasks:
                - id: orders-api
                  description: Orders REST API with its database schema
                  orchestrator: backend
                  estimate: 15m
            """, 0.01);
        plan.awaitEvent("orders-api started", PlanEvent::hasTaskStarted, Duration.ofSeconds(60));
        await("one slot of two in use").atMost(Duration.ofSeconds(10))
            .until(() -> value(o.scrape(), "baton_orchestrator_slots_in_use") == 1.0);
        Map<String, Double> busy = o.scrape();
        assertThat(value(busy, "baton_orchestrator_queue_length")).isZero();
        assertThat(value(busy, "baton_orchestrator_slot_utilization")).isEqualTo(0.5);
        assertThat(value(m.scrape(), "baton_master_plans_active")).isEqualTo(1.0);

        orch.handle().destroy(); // SIGTERM: drains, the task finishes there
        await("draining: readiness NOT_SERVING").atMost(Duration.ofSeconds(10))
            .until(() -> readiness.last() == ServingStatus.NOT_SERVING);
        Map<String, Double> draining = o.scrape();
        assertThat(value(draining, "baton_orchestrator_draining")).isEqualTo(1.0);
        assertThat(value(draining, "baton_orchestrator_slots_in_use")).as("the task still runs").isEqualTo(1.0);
        assertThat(o.check("liveness")).as("draining is alive").isEqualTo(ServingStatus.SERVING);

        assertThat(orch.onExit().get(60, TimeUnit.SECONDS).exitValue()).as(orch.logTail(20)).isZero();
        readiness.ended.get(10, TimeUnit.SECONDS);
        assertThat(readiness.transitions()).as("readiness in order: before registration, registered, draining")
            .containsExactly(ServingStatus.NOT_SERVING, ServingStatus.SERVING, ServingStatus.NOT_SERVING);
        assertThat(o.checkOrClosed("liveness")).as("the port closed with the process").isEmpty();
        List<PlanEvent> events = plan.awaitEnd(60);
        assertThat(events.get(events.size() - 1).getPlanFinished().getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
        await("no plan active").atMost(Duration.ofSeconds(10))
            .until(() -> value(m.scrape(), "baton_master_plans_active") == 0.0);

        // The master: NOT_SERVING while it shuts down, before its port closes.
        Probes.Watch masterReadiness = m.watch("baton.v1.Master");
        await("the master's first status").atMost(Duration.ofSeconds(10)).until(() -> masterReadiness.last() != null);
        master.handle().destroy();
        assertThat(master.onExit().get(60, TimeUnit.SECONDS).exitValue()).as(master.logTail(20)).isZero();
        masterReadiness.ended.get(10, TimeUnit.SECONDS);
        assertThat(masterReadiness.transitions()).containsExactly(ServingStatus.SERVING, ServingStatus.NOT_SERVING);
      }
    }
  }

  @Test
  void badProbeFlagsAreRefusedWithOneLineAndExit2() {
    Map<String, List<String>> cases = Map.of(
        "--health-port: 70000", List.of("orchestrator", "--domain", "backend", "--health-port", "70000"),
        "--metrics-port: -2", List.of("master", "--port", "0", "--metrics-port=-2"),
        "--drain-timeout", List.of("orchestrator", "--domain", "backend", "--drain-timeout", "2h"),
        "--drain-timeout: 'soon'", List.of("orchestrator", "--domain", "backend", "--drain-timeout", "soon"));
    cases.forEach((named, args) -> {
      ProcessRun run = ProcessRun.baton(args.toArray(String[]::new));
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
      assertThat(run.stderrLines()).as(run.toString()).hasSize(1)
          .singleElement().asString().contains(named).contains("expected");
    });
  }

  /** A Master call on the health port is UNIMPLEMENTED: the port serves grpc.health.v1 and nothing else. */
  private static boolean servesOnlyHealth(String healthAddress) {
    ManagedChannel ch = ManagedChannelBuilder.forTarget(healthAddress).usePlaintext().build();
    try {
      assertThatThrownBy(() -> MasterGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
          .getDashboard(GetDashboardRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
      return true;
    } finally {
      ch.shutdownNow();
    }
  }

  private static final String HEALTH_PROTO = "grpc/health/v1/health.proto";

  /** A directory holding grpc-services' {@value #HEALTH_PROTO}, for grpcurl. */
  private Path healthProto() throws Exception {
    Path file = dir.resolve(HEALTH_PROTO);
    Files.createDirectories(file.getParent());
    try (InputStream in = io.grpc.health.v1.HealthGrpc.class.getClassLoader().getResourceAsStream(HEALTH_PROTO)) {
      assertThat(in).as(HEALTH_PROTO + " on the class path (grpc-services)").isNotNull();
      Files.copy(in, file);
    }
    return dir;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

package dev.baton.master.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.master.registry.EmbeddedRegistry;
import dev.baton.master.registry.ExecutionReports;
import dev.baton.runtime.orchestrator.OrchestratorConfig;
import dev.baton.runtime.orchestrator.Specialisations;
import dev.baton.runtime.orchestrator.SubOrchestratorServer;
import dev.baton.runtime.server.GrpcServer;
import dev.baton.v1.DelegateRequest;
import dev.baton.v1.DelegateResponse;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.HeldExecution;
import dev.baton.v1.SimulationSpec;
import dev.baton.v1.SubOrchestratorGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a real sub-orchestrator holds reaches the master's ExecutionReports hook on every Register. */
class ExecutionReportsTest {
  @TempDir Path workspaces;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
  private record Report(String instanceId, List<HeldExecution> held, boolean truncated) {}
  private final List<Report> reports = new CopyOnWriteArrayList<>();
  private GrpcServer master;
  private SubOrchestratorServer instance;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (instance != null) {
      instance.close();
    }
    master.close();
    scheduler.shutdownNow();
  }

  /** The Coordination service alone, as a master serves it, reporting to {@link #reports}. */
  private GrpcServer master(int port) {
    EmbeddedRegistry registry = new EmbeddedRegistry(Clock.systemUTC(), Duration.ofSeconds(1), Duration.ofSeconds(5));
    ExecutionReports hook = (id, held, truncated) -> reports.add(new Report(id, held, truncated));
    CoordinationService service = new CoordinationService(registry, null, hook, "master-reports",
        Duration.ofSeconds(1), CoordinationService.Settings.DEFAULTS, scheduler, Clock.systemUTC());
    return GrpcServer.start("127.0.0.1", port, List.of(service));
  }

  @Test
  void aReRegisteringInstanceReportsTheExecutionsItHolds() {
    master = master(0);
    instance = SubOrchestratorServer.start(OrchestratorConfig.builder().masterAddress(master.address())
        .instanceId("sample-reporter").workspaceRoot(workspaces).build(), Specialisations.find("sample"));
    await().atMost(Duration.ofSeconds(5)).until(() -> reports.size() == 1);
    assertThat(reports.get(0)).isEqualTo(new Report("sample-reporter", List.of(), false));
    channel = NettyChannelBuilder.forTarget(instance.address()).usePlaintext().build();
    DelegateResponse running = SubOrchestratorGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .delegate(DelegateRequest.newBuilder().setPackage(DelegationPackage.newBuilder().setPlanId("shop")
            .setTaskId("product-api").setAttempt(2).setTaskDescription("Design the product API")
            .setSimulation(SimulationSpec.newBuilder().setDurationMillis(60_000))).build());

    int port = master.port();
    master.close();
    master = master(port);

    await().atMost(Duration.ofSeconds(5)).until(() -> reports.size() == 2);
    Report again = reports.get(1);
    assertThat(again.instanceId()).isEqualTo("sample-reporter");
    assertThat(again.truncated()).isFalse();
    assertThat(again.held()).hasSize(1);
    HeldExecution held = again.held().get(0);
    assertThat(held.getExecutionId()).isEqualTo(running.getExecutionId());
    assertThat(held.getPlanId()).isEqualTo("shop");
    assertThat(held.getTaskId()).isEqualTo("product-api");
    assertThat(held.getAttempt()).isEqualTo(2);
    assertThat(held.getState()).isEqualTo(ExecutionState.EXECUTION_STATE_RUNNING);
  }
}

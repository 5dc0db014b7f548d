package dev.baton.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.master.testing.Plans;
import dev.baton.runtime.orchestrator.OrchestratorConfig;
import dev.baton.runtime.orchestrator.Specialisations;
import dev.baton.runtime.orchestrator.SubOrchestratorServer;
import dev.baton.runtime.security.ClientSecurity;
import dev.baton.runtime.security.tls.TestPki;
import dev.baton.v1.InstanceHealth;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mesh on mutual TLS over Netty: a master and two sub-orchestrators, each with its own certificate
 * from one CA, register (Coordinate), receive work (Delegate, Execute) and finish a plan; a plaintext
 * client and a client of another CA get nothing from the master.
 */
class TlsMeshTest {
  @TempDir Path pkiDir;
  @TempDir Path otherPkiDir;
  @TempDir Path workspaces;
  private TestPki pki;
  private MasterServer master;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void start() {
    pki = TestPki.create(pkiDir);
    master = MasterServer.start(MasterConfig.builder().security(pki.security(TestPki.MASTER))
        .instanceWait(Duration.ofSeconds(2)).build());
    closing.add(master);
    for (String id : List.of("sample-tls-1", "sample-tls-2")) {
      SubOrchestratorServer s = SubOrchestratorServer.start(OrchestratorConfig.builder()
          .masterAddress(master.address()).instanceId(id).workspaceRoot(workspaces.resolve(id))
          .heartbeatInterval(Duration.ofMillis(200))
          .security(pki.security(TestPki.orchestrator("sample"))).build(), Specialisations.find("sample"));
      closing.add(0, s);
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    pki.close();
  }

  private ManagedChannel channel(ClientSecurity security) {
    ManagedChannel channel = security.nettyBuilder(master.address()).build();
    closing.add(0, channel::shutdownNow);
    return channel;
  }

  private long healthy(ManagedChannel channel) {
    return MasterGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .listOrchestrators(ListOrchestratorsRequest.getDefaultInstance()).getInstancesList().stream()
        .filter(i -> i.getHealth() == InstanceHealth.INSTANCE_HEALTH_HEALTHY).count();
  }

  @Test
  void orchestratorsRegisterOverMutualTlsAndAPlanSucceeds() {
    ManagedChannel user = channel(pki.anonymousClient());
    await().atMost(Duration.ofSeconds(15)).until(() -> healthy(user) == 2);

    String id = master.submit(Plans.plan("tls-plan").task("design", "sample", 2)
        .task("build", "sample", 3, "design").task("check", "sample", 1, "build").build(), 0.001);
    await().atMost(Duration.ofSeconds(30)).until(() -> terminal(master.store().status(id).orElseThrow()));

    PlanStatus status = master.store().status(id).orElseThrow();
    assertThat(status.getState()).as(status.getReason()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(status.getTasksList()).hasSize(3);
  }

  @Test
  void plaintextAndForeignCaClientsGetNothingFromATlsMaster() {
    assertThatThrownBy(() -> healthy(channel(ClientSecurity.plaintext())))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    try (TestPki other = TestPki.create(otherPkiDir)) {
      assertThatThrownBy(() -> healthy(channel(other.client(TestPki.orchestrator("sample")))))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
  }

  private static boolean terminal(PlanStatus s) {
    return switch (s.getState()) {
      case PLAN_STATE_SUCCEEDED, PLAN_STATE_FAILED, PLAN_STATE_CANCELLED, PLAN_STATE_DEGRADED -> true;
      default -> false;
    };
  }
}

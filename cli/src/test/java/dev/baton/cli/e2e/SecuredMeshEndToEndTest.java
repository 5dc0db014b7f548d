package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.cli.mesh.Mesh;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.cli.mesh.MeshPki;
import dev.baton.runtime.security.ClientSecurity;
import dev.baton.runtime.security.tls.TlsFiles;
import dev.baton.runtime.security.tls.TlsMaterial;
import dev.baton.v1.CommandSpec;
import dev.baton.v1.CoordinateRequest;
import dev.baton.v1.CoordinateResponse;
import dev.baton.v1.CoordinationGrpc;
import dev.baton.v1.DelegateRequest;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.Register;
import dev.baton.v1.Specialization;
import dev.baton.v1.SubOrchestratorDescriptor;
import dev.baton.v1.SubOrchestratorGrpc;
import dev.baton.v1.SubmitPlanRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The attacks on who may call what, repeated against {@code baton up}'s mesh (five
 * processes on mutual TLS with the access table on): a command task submitted without credentials,
 * the same command sent straight to a sub-orchestrator's Delegate (with no certificate, and with
 * the user's, who is admin but not the master), an instance registered with no certificate, or
 * with another domain's certificate; each is refused with its code, nothing runs, no bad instance
 * enters the registry, and the e-commerce plan then succeeds on the same processes.
 */
class SecuredMeshEndToEndTest {
  private MeshLauncher launcher;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    if (launcher != null) {
      launcher.close();
      launcher.killAll();
    }
  }

  @Test
  void strangersGetNothingAndTheEcommercePlanStillSucceeds() throws Exception {
    Path runDir = MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve("secured-mesh"));
    MeshPki pki = MeshPki.in(runDir.resolve("pki"));
    launcher = new MeshLauncher(MeshLauncher.Options.in(runDir).withTls(pki));
    Mesh mesh = launcher.startMesh(0);
    Path marker = runDir.resolve("pwned");
    String command = "id > " + marker;
    ClientSecurity nobody = TlsMaterial.load(TlsFiles.trustOnly(pki.caFile())).clientSecurity(null);
    ClientSecurity user = launcher.clientSecurity();
    ClientSecurity frontend = TlsMaterial.load(pki.orchestrator("attacker", "frontend")).clientSecurity(null);

    String yaml = "apiVersion: baton.dev/v1\nkind: Plan\nmetadata:\n  name: pwn\nspec:\n  tasks:\n"
        + "    - id: pwn\n      description: run a command\n      orchestrator: devops\n      estimate: 1m\n"
        + "      run: \"" + command + "\"\n";
    Status anonymousSubmit = refusal(() -> MasterGrpc.newBlockingStub(channel(mesh.masterAddress(), nobody))
        .submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml).build()));
    assertThat(anonymousSubmit.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(anonymousSubmit.getDescription()).contains("SubmitPlan needs credentials");

    DelegateRequest delegate = DelegateRequest.newBuilder().setPackage(DelegationPackage.newBuilder()
        .setPlanId("p").setTaskId("pwn").setAttempt(1).setTaskDescription("d")
        .setCommand(CommandSpec.newBuilder().setRun(command))).build();
    for (String domain : List.of("backend", "devops")) {
      String address = mesh.orchestrator(domain).address();
      assertThat(refusal(() -> SubOrchestratorGrpc.newBlockingStub(channel(address, nobody)).delegate(delegate))
          .getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      Status asUser = refusal(() -> SubOrchestratorGrpc.newBlockingStub(channel(address, user)).delegate(delegate));
      assertThat(asUser.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(asUser.getDescription()).contains("Delegate needs role master", MeshPki.userIdentity(), "admin");
    }

    SubOrchestratorDescriptor.Builder evil = SubOrchestratorDescriptor.newBuilder().setId("devops-orchestrator-evil01")
        .setName("evil").setAddress("127.0.0.1:1").setSpecialization(Specialization.newBuilder().setDomain("devops"));
    assertThat(coordinate(channel(mesh.masterAddress(), nobody), evil).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    Status wrongDomain = coordinate(channel(mesh.masterAddress(), frontend), evil);
    assertThat(wrongDomain.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(wrongDomain.getDescription()).contains("may register only for domain frontend, not devops");

    try (MasterApi api = new MasterApi(mesh.masterAddress(), user)) {
      assertThat(api.call().listOrchestrators(ListOrchestratorsRequest.getDefaultInstance()).getInstancesList())
          .extracting(i -> i.getOrchestrator().getId()).hasSize(4).noneMatch(id -> id.contains("evil"));
      String id = api.call().submitPlan(SubmitPlanRequest.newBuilder()
          .setPlanYaml(Files.readString(TestPaths.example("ecommerce.yaml"))).setTimeScale(0.001).build()).getPlanId();
      List<PlanEvent> events = api.watch(id).awaitEnd(120);
      assertThat(events.get(events.size() - 1).getPlanFinished().getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    }
    assertThat(marker).doesNotExist();
    assertThat(runDir.resolve("master.log")).content().contains("WARN audit - denied method=baton.v1.Master/SubmitPlan caller=anonymous",
        "denied method=baton.v1.Coordination/Coordinate caller=spiffe://baton/orchestrator/frontend");
  }

  private ManagedChannel channel(String address, ClientSecurity security) {
    ManagedChannel channel = security.nettyBuilder(address).build();
    channels.add(channel);
    return channel;
  }

  private static Status refusal(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
    throw new AssertionError("the call was not refused");
  }

  private static Status coordinate(ManagedChannel channel, SubOrchestratorDescriptor.Builder d) throws Exception {
    CompletableFuture<Status> ended = new CompletableFuture<>();
    StreamObserver<CoordinateRequest> requests = CoordinationGrpc.newStub(channel).coordinate(new StreamObserver<>() {
      @Override
      public void onNext(CoordinateResponse value) {
        if (value.hasRegistered()) {
          ended.complete(Status.OK);
        }
      }

      @Override
      public void onError(Throwable t) {
        ended.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        ended.complete(Status.OK);
      }
    });
    requests.onNext(CoordinateRequest.newBuilder().setRegister(Register.newBuilder().setOrchestrator(d).setProtocol(1)).build());
    Status status = ended.get(10, TimeUnit.SECONDS);
    requests.onCompleted();
    return status;
  }
}

package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.cli.mesh.Mesh;
import dev.baton.v1.CoordinateRequest;
import dev.baton.v1.CoordinateResponse;
import dev.baton.v1.CoordinationGrpc;
import dev.baton.v1.DelegateRequest;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.Register;
import dev.baton.v1.SimulationSpec;
import dev.baton.v1.Specialization;
import dev.baton.v1.SubOrchestratorDescriptor;
import dev.baton.v1.SubOrchestratorGrpc;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.ValidatePlanRequest;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The attacks on limits, repeated against the real mesh (five processes): each is refused
 * by name, no bad instance enters the registry, and the e-commerce plan still succeeds afterwards
 * on the same processes.
 */
@ExtendWith(SharedMesh.class)
class AbuseEndToEndTest {

  @Test
  void attacksAreRefusedAndTheEcommercePlanStillSucceeds(Mesh mesh) throws Exception {
    ManagedChannel master = NettyChannelBuilder.forTarget(mesh.masterAddress()).usePlaintext().build();
    ManagedChannel backend = NettyChannelBuilder.forTarget(mesh.orchestrator("backend").address()).usePlaintext().build();
    try (MasterApi api = new MasterApi(mesh.masterAddress())) {
      SubOrchestratorDescriptor.Builder evil = SubOrchestratorDescriptor.newBuilder().setId("devops-orchestrator-evil01")
          .setAddress("127.0.0.1:1").setSpecialization(Specialization.newBuilder().setDomain("devops"));
      assertThat(coordinate(master, evil.clone().setId("x".repeat(10 << 20))).getCode())
          .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(coordinate(master, evil.clone().setId("x".repeat(2048))).getDescription())
          .isEqualTo("register.orchestrator.id: 2048 bytes (2.0 KiB) (expected: at most 128 bytes)");
      assertThat(coordinate(master, evil.clone().setSpecialization(Specialization.newBuilder().setDomain("nosuch")))
          .getDescription()).contains("domain: 'nosuch'");
      assertThat(coordinate(master, evil.clone().setAddress("not an address")).getDescription())
          .contains("address: 'not an address'");

      var direct = SubOrchestratorGrpc.newBlockingStub(backend).withDeadlineAfter(10, TimeUnit.SECONDS);
      assertThat(refusal(() -> direct.delegate(DelegateRequest.newBuilder().setPackage(DelegationPackage.newBuilder()
          .setPlanId("x").setTaskId("forever").setAttempt(1)
          .setSimulation(SimulationSpec.newBuilder().setDurationMillis(Long.MAX_VALUE))).build())).getDescription())
          .isEqualTo("package.simulation.durationMillis: 9223372036854775807 (expected: 0..604800000)");
      assertThat(refusal(() -> direct.delegate(DelegateRequest.newBuilder().setPackage(DelegationPackage.newBuilder()
          .setPlanId("x").setTaskId("huge").setAttempt(1).setTaskDescription("words ".repeat(3_500_000))).build()))
          .getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      for (ManagedChannel c : List.of(master, backend)) {
        String method = c == master ? "baton.v1.Master/SubmitPlan" : "baton.v1.SubOrchestrator/Delegate";
        assertThat(refusal(() -> raw(c, method, new byte[] {(byte) 0xff, (byte) 0xff, 0x07})).getCode())
            .isEqualTo(Status.Code.INVALID_ARGUMENT);
      }
      String yaml = Files.readString(TestPaths.example("ecommerce.yaml"));
      assertThat(refusal(() -> api.call().validatePlan(ValidatePlanRequest.newBuilder()
          .setPlanYaml(yaml + "# " + "padding ".repeat(1_000_000)).build())).getDescription())
          .startsWith("planYaml: 80").endsWith("(expected: at most 1048576 bytes (1.0 MiB))");
      assertThat(refusal(() -> api.call().submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml)
          .setTimeScale(1e308).build())).getDescription()).isEqualTo("timeScale: 1.0E308 (expected: 0..1)");

      assertThat(api.call().listOrchestrators(ListOrchestratorsRequest.getDefaultInstance()).getInstancesList())
          .extracting(i -> i.getOrchestrator().getSpecialization().getDomain())
          .containsExactlyInAnyOrder("frontend", "backend", "devops", "testing");
      for (var o : mesh.orchestrators().values()) {
        ManagedChannel c = NettyChannelBuilder.forTarget(o.address()).usePlaintext().build();
        try {
          assertThat(HealthGrpc.newBlockingStub(c).withDeadlineAfter(5, TimeUnit.SECONDS)
              .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
        } finally {
          c.shutdownNow();
        }
      }

      var submitted = api.call().submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml).setTimeScale(0.0005).build());
      List<PlanEvent> events = api.watch(submitted.getPlanId()).awaitEnd(90);
      assertThat(events.get(events.size() - 1).getPlanFinished().getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    } finally {
      master.shutdownNow();
      backend.shutdownNow();
    }
  }

  private static io.grpc.Status refusal(Runnable call) {
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
      public void onNext(CoordinateResponse value) {}

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

  private static byte[] raw(ManagedChannel channel, String method, byte[] bytes) {
    MethodDescriptor<byte[], byte[]> m = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(method)
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    return ClientCalls.blockingUnaryCall(channel, m, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), bytes);
  }

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  };
}

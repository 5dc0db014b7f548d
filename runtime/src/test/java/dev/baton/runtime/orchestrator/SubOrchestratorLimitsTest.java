package dev.baton.runtime.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.runtime.coordination.FakeMaster;
import dev.baton.v1.DelegateRequest;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DescribeRequest;
import dev.baton.v1.SimulationSpec;
import dev.baton.v1.SubOrchestratorGrpc;
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
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real sub-orchestrator on Netty against the attacks on it: health while no master has
 * it registered, bytes that are no protobuf, endless durations and oversized text over Delegate;
 * after each it still serves a good call.
 */
class SubOrchestratorLimitsTest {
  @TempDir Path workspaces;
  private int masterPort;
  private FakeMaster master;
  private SubOrchestratorServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() {
    masterPort = FakeMaster.freePort(); // nothing listens yet: the instance is not registered
    server = SubOrchestratorServer.start(OrchestratorConfig.builder().masterAddress("127.0.0.1:" + masterPort)
        .instanceId("sample-orchestrator-limits").workspaceRoot(workspaces).heartbeatInterval(Duration.ofMillis(50))
        .build(), Specialisations.find("sample"));
    channel = NettyChannelBuilder.forTarget(server.address()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
    if (master != null) {
      master.close();
    }
  }

  private ServingStatus health(String service) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  private SubOrchestratorGrpc.SubOrchestratorBlockingStub stub() {
    return SubOrchestratorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void healthIsNotServingUntilAMasterHasItRegisteredAndAgainWhenTheStreamIsDown() {
    assertThat(health("")).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(health("baton.v1.SubOrchestrator")).isEqualTo(ServingStatus.NOT_SERVING);

    master = FakeMaster.startOn(masterPort, List.of());
    await().atMost(Duration.ofSeconds(10)).until(() -> health("") == ServingStatus.SERVING);
    assertThat(health("baton.v1.SubOrchestrator")).isEqualTo(ServingStatus.SERVING);

    master.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> health("") == ServingStatus.NOT_SERVING);
  }

  @Test
  void bytesThatAreNoProtobufAnswerInvalidArgumentOnEveryService() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
    for (String method : List.of("baton.v1.SubOrchestrator/Describe", "baton.v1.SubOrchestrator/Delegate",
        "grpc.health.v1.Health/Check")) {
      assertThatThrownBy(() -> raw(method, garbage))
          .as(method)
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).startsWith("the request is not a valid protobuf");
          });
    }
    assertThat(stub().describe(DescribeRequest.getDefaultInstance()).getOrchestrator().getId())
        .isEqualTo("sample-orchestrator-limits");
  }

  @Test
  void delegateRefusesEndlessDurationsAndOversizedTextThenTakesAGoodTask() {
    assertThatThrownBy(() -> stub().delegate(request(DelegationPackage.newBuilder().setPlanId("shop").setTaskId("a")
        .setAttempt(1).setSimulation(SimulationSpec.newBuilder().setDurationMillis(Long.MAX_VALUE)))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription())
              .isEqualTo("package.simulation.durationMillis: 9223372036854775807 (expected: 0..604800000)");
        });
    // 20 MB: over the server's 8 MiB message limit, refused by gRPC before it is parsed.
    assertThatThrownBy(() -> stub().delegate(request(DelegationPackage.newBuilder().setPlanId("shop").setTaskId("b")
        .setAttempt(1).setTaskDescription("words ".repeat(3_500_000)))))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    // 1.5 MB of documents of 0.5 MB each... and one of 2 MB: refused by name.
    assertThatThrownBy(() -> stub().delegate(request(DelegationPackage.newBuilder().setPlanId("shop").setTaskId("c")
        .setAttempt(1).setSimulation(SimulationSpec.newBuilder().putDocuments("big.md", "doc ".repeat(512 * 1024))))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo("package.simulation.documents[big.md]: 2097152 bytes"
              + " (2.0 MiB) (expected: at most 1048576 bytes (1.0 MiB))");
        });

    var accepted = stub().delegate(request(DelegationPackage.newBuilder().setPlanId("shop").setTaskId("good")
        .setAttempt(1).setTaskDescription("Design the product API")
        .setSimulation(SimulationSpec.newBuilder().setDurationMillis(10))));
    assertThat(accepted.getExecutionId()).isNotEmpty();
  }

  private static DelegateRequest request(DelegationPackage.Builder p) {
    return DelegateRequest.newBuilder().setPackage(p).build();
  }

  /** A unary call whose request is {@code bytes} as they are, not a message. */
  private byte[] raw(String method, byte[] bytes) {
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
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };
}

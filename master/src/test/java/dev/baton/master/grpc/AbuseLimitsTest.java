package dev.baton.master.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.master.testing.FakeSubOrchestrator;
import dev.baton.runtime.security.ClientSecurity;
import dev.baton.runtime.security.Principal;
import dev.baton.runtime.security.Role;
import dev.baton.runtime.security.Security;
import dev.baton.runtime.security.ServerSecurity;
import dev.baton.v1.CancelPlanRequest;
import dev.baton.v1.CoordinateRequest;
import dev.baton.v1.CoordinateResponse;
import dev.baton.v1.CoordinationGrpc;
import dev.baton.v1.GetPlanRequest;
import dev.baton.v1.Heartbeat;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.Plan;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanSpec;
import dev.baton.v1.PlanState;
import dev.baton.v1.Register;
import dev.baton.v1.Specialization;
import dev.baton.v1.SubOrchestratorDescriptor;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.TaskSpec;
import dev.baton.v1.ValidatePlanRequest;
import dev.baton.v1.WatchPlanRequest;
import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The master's limits over real Netty, with callers told apart by a test header (standing in for
 * the token or certificate of the authentication layer): each per-caller limit reached answers
 * RESOURCE_EXHAUSTED naming the limit and its flag while other callers go on; the issue's attacks
 * on the master's own RPCs are refused by name; afterwards a plan still succeeds.
 */
class AbuseLimitsTest {
  private static final Metadata.Key<String> CALLER = Metadata.Key.of("x-test-caller", Metadata.ASCII_STRING_MARSHALLER);

  /** Every caller is who its header says, with every role: what a token layer would establish. */
  private static final ServerInterceptor HEADER_PRINCIPAL = new ServerInterceptor() {
    @Override
    public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, Metadata headers,
        io.grpc.ServerCallHandler<Q, R> next) {
      String who = headers.get(CALLER);
      Principal p = new Principal(who == null ? "local" : who, EnumSet.allOf(Role.class), "", Principal.Source.TOKEN);
      return Contexts.interceptCall(Context.current().withValue(Principal.KEY, p), call, headers, next);
    }
  };

  private static final String HANG = """
      apiVersion: baton.dev/v1
      kind: Plan
      metadata: {name: hang}
      spec:
        tasks:
          - {id: wait, description: Build the API, orchestrator: backend, estimate: 1m, simulate: {hang: true}}
      """;
  private static final String TINY = """
      apiVersion: baton.dev/v1
      kind: Plan
      metadata: {name: tiny}
      spec:
        tasks:
          - {id: api, description: Build the product API, orchestrator: backend, estimate: 1m}
          - {id: tests, description: Test the product API, orchestrator: backend, estimate: 1m, dependsOn: [api]}
      """;

  private MasterServer master;
  private ManagedChannel channel;
  private FakeSubOrchestrator backend;

  @BeforeEach
  void start() {
    master = MasterServer.start(MasterConfig.builder().instanceWait(Duration.ofSeconds(5))
        .security(new Security(new ServerSecurity(InsecureServerCredentials.create(), List.of(HEADER_PRINCIPAL), false),
            ClientSecurity.plaintext()))
        .callerLimits(new CallerLimits.Settings(2, 6, 1, 100))
        .build());
    channel = NettyChannelBuilder.forTarget(master.address()).usePlaintext().maxInboundMessageSize(32 << 20).build();
    backend = FakeSubOrchestrator.start("backend-1", "backend", 4, master.address());
    await().atMost(Duration.ofSeconds(5)).until(() -> stub("ops").listOrchestrators(
        ListOrchestratorsRequest.getDefaultInstance()).getInstancesCount() == 1);
  }

  @AfterEach
  void stop() throws Exception {
    backend.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    master.close();
  }

  private MasterGrpc.MasterBlockingStub stub(String caller) {
    Metadata h = new Metadata();
    h.put(CALLER, caller);
    return MasterGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private MasterGrpc.MasterStub async(String caller) {
    Metadata h = new Metadata();
    h.put(CALLER, caller);
    return MasterGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h));
  }

  private static StatusRuntimeException refusal(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call was not refused");
  }

  private String submit(String caller, String yaml) {
    return stub(caller).submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml).setTimeScale(0.001).build()).getPlanId();
  }

  private PlanState runToEnd(String caller, String planId) {
    List<PlanEvent> events = new ArrayList<>();
    stub(caller).watchPlan(WatchPlanRequest.newBuilder().setPlanId(planId).build()).forEachRemaining(events::add);
    assertThat(events).isNotEmpty().last().matches(PlanEvent::hasPlanFinished);
    return stub(caller).getPlan(GetPlanRequest.newBuilder().setPlanId(planId).build()).getStatus().getState();
  }

  @Test
  void unfinishedPlansPerCallerAreBoundedAndOthersGoOn() {
    String first = submit("alice", HANG);
    submit("alice", HANG);
    StatusRuntimeException e = refusal(() -> submit("alice", HANG));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).isEqualTo("caller 'alice' has 2 unfinished plans: the limit is 2 per"
        + " caller (baton master --max-plans-per-caller); wait for one to finish or cancel one");
    assertThat(stub("alice").getPlan(GetPlanRequest.newBuilder().setPlanId(first).build()).getStatus()
        .getSubmittedBy().getSubject()).isEqualTo("alice");

    assertThat(runToEnd("bob", submit("bob", TINY))).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);

    stub("alice").cancelPlan(CancelPlanRequest.newBuilder().setPlanId(first).setReason("make room").build());
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      try {
        submit("alice", HANG);
        return true;
      } catch (StatusRuntimeException refused) {
        return false;
      }
    });
  }

  @Test
  void submissionsPerMinuteAreBoundedPerCaller() {
    ValidatePlanRequest validate = ValidatePlanRequest.newBuilder().setPlanYaml(TINY).build();
    for (int i = 0; i < 6; i++) {
      stub("carol").validatePlan(validate);
    }
    StatusRuntimeException e = refusal(() -> stub("carol").validatePlan(validate));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).isEqualTo("caller 'carol' made 6 submissions this minute: the limit is 6"
        + " per minute (baton master --submissions-per-minute); retry in a minute");
    assertThat(refusal(() -> submit("carol", TINY)).getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

    assertThat(stub("dave").validatePlan(validate).getPlan().getSpec().getTasksCount()).isEqualTo(2);
  }

  @Test
  void watchStreamsPerCallerAreBoundedAndGivenBackWhenAStreamEnds() throws Exception {
    String planId = submit("erin", HANG);
    Watch first = watch("erin", planId);
    first.events.get(5, TimeUnit.SECONDS); // admitted: the plan's first event arrived

    Watch second = watch("erin", planId);
    Status refused = second.ended.get(5, TimeUnit.SECONDS);
    assertThat(refused.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(refused.getDescription()).isEqualTo("caller 'erin' holds 1 WatchPlan streams: the limit is 1 per caller"
        + " (baton master --watch-streams-per-caller); close one first");
    // Another caller watches the same plan meanwhile.
    Watch frank = watch("frank", planId);
    frank.events.get(5, TimeUnit.SECONDS);

    first.call.cancel(null);
    assertThat(first.ended.get(5, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
    // The server learns of the cancellation asynchronously: a new stream is admitted soon after.
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      Watch again = watch("erin", planId);
      CompletableFuture.anyOf(again.events, again.ended).get(5, TimeUnit.SECONDS);
      boolean admitted = again.events.isDone();
      again.call.cancel(null);
      return admitted;
    });
    frank.call.cancel(null);
  }

  /** An open WatchPlan call: its first event, its end, and the context that cancels it. */
  private record Watch(Context.CancellableContext call, CompletableFuture<PlanEvent> events,
      CompletableFuture<Status> ended) {}

  private Watch watch(String caller, String planId) {
    Watch w = new Watch(Context.current().withCancellation(), new CompletableFuture<>(), new CompletableFuture<>());
    w.call.run(() -> async(caller).watchPlan(WatchPlanRequest.newBuilder().setPlanId(planId).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(PlanEvent value) {
            w.events.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            w.ended.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            w.ended.complete(Status.OK);
          }
        }));
    return w;
  }

  @Test
  void theIssuesAttacksAreRefusedByNameAndAPlanStillSucceeds() throws Exception {
    // Coordinate: a 10 MB instance id (over the 8 MiB message limit), a long one, an unknown
    // domain, no address, negative load. None enters the registry; the stream ends.
    SubOrchestratorDescriptor.Builder good = SubOrchestratorDescriptor.newBuilder().setId("backend-evil01")
        .setAddress("127.0.0.1:1").setSpecialization(Specialization.newBuilder().setDomain("backend"));
    assertThat(coordinate(good.clone().setId("x".repeat(10 << 20))).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(coordinate(good.clone().setId("x".repeat(4096))))
        .returns(Status.Code.INVALID_ARGUMENT, Status::getCode)
        .returns("register.orchestrator.id: 4096 bytes (4.0 KiB) (expected: at most 128 bytes)", Status::getDescription);
    assertThat(coordinate(good.clone().setSpecialization(Specialization.newBuilder().setDomain("nosuch"))).getDescription())
        .isEqualTo("Register.orchestrator.specialization.domain: 'nosuch' (expected one of: frontend, backend, devops, testing)");
    assertThat(coordinate(good.clone().setAddress("not an address")).getDescription())
        .startsWith("Register.orchestrator.address: 'not an address' (expected: host:port");
    assertThat(coordinate(good.clone(), CoordinateRequest.newBuilder().setSeq(1).setHeartbeat(Heartbeat.newBuilder()
        .setInstanceId("backend-evil01").setLoad(LoadMetrics.newBuilder().setCurrentTasks(-5))).build()).getDescription())
        .isEqualTo("heartbeat.load.currentTasks: -5 (expected: 0..10000)");
    // Only the well-formed Register (before its bad heartbeat) entered the registry.
    assertThat(stub("ops").listOrchestrators(ListOrchestratorsRequest.getDefaultInstance()).getInstancesList())
        .extracting(i -> i.getOrchestrator().getId() + " " + i.getOrchestrator().getSpecialization().getDomain()
            + " " + i.getOrchestrator().getAddress())
        .containsExactlyInAnyOrder("backend-1 backend " + backend.address(), "backend-evil01 backend 127.0.0.1:1");

    // Plans: 8 MB, 20,000 tasks, one 1 MiB scalar, time scale 1e308.
    String eightMb = TINY + "# " + "padding ".repeat(1_000_000);
    assertThat(refusal(() -> stub("mallory").validatePlan(ValidatePlanRequest.newBuilder().setPlanYaml(eightMb).build()))
        .getStatus().getDescription()).isEqualTo("planYaml: " + eightMb.length() + " bytes (7.6 MiB) (expected: at most 1048576 bytes (1.0 MiB))");
    PlanSpec.Builder many = PlanSpec.newBuilder();
    for (int i = 0; i < 20_000; i++) {
      many.addTasks(TaskSpec.newBuilder().setId("t" + i).setDescription("task").setOrchestrator("backend").setEstimate("1m"));
    }
    Plan huge = Plan.newBuilder().setApiVersion("baton.dev/v1").setKind("Plan").setSpec(many).build();
    assertThat(refusal(() -> stub("mallory").validatePlan(ValidatePlanRequest.newBuilder().setPlan(huge).build()))
        .getStatus().getDescription()).isEqualTo("plan.spec.tasks: 20000 entries (expected: at most 10000)");
    // The run is the scalar and the comma after it in the flow mapping.
    String scalar = TINY.replace("description: Build the product API", "description: " + "x".repeat(1_000_000));
    assertThat(refusal(() -> stub("mallory").validatePlan(ValidatePlanRequest.newBuilder().setPlanYaml(scalar).build()))
        .getStatus().getDescription()).isEqualTo("plan (line 6): a run of 1000001 characters without a space or line break"
        + " (expected: at most 65536; break long values over lines with a YAML block scalar '|' or '>')");
    assertThat(refusal(() -> stub("mallory").submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(TINY).setTimeScale(1e308)
        .build())).getStatus().getDescription()).isEqualTo("timeScale: 1.0E308 (expected: 0..1)");

    // Bytes that are no SubmitPlanRequest.
    MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("baton.v1.Master/SubmitPlan")
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    StatusRuntimeException garbage = refusal(() -> ClientCalls.blockingUnaryCall(channel, raw,
        CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), new byte[] {(byte) 0xff, (byte) 0xff, 0x07}));
    assertThat(garbage.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

    // A 10,000-task plan is within the bounds.
    PlanSpec.Builder tenThousand = PlanSpec.newBuilder();
    for (int i = 0; i < 10_000; i++) {
      tenThousand.addTasks(TaskSpec.newBuilder().setId("t" + i).setDescription("task").setOrchestrator("backend").setEstimate("1m"));
    }
    assertThat(stub("ops").validatePlan(ValidatePlanRequest.newBuilder().setPlan(huge.toBuilder().setSpec(tenThousand)
        .setMetadata(dev.baton.v1.PlanMetadata.newBuilder().setName("wide"))).build()).getPlan().getSpec().getTasksCount())
        .isEqualTo(10_000);

    assertThat(runToEnd("ops", submit("ops", TINY))).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
  }

  /** Opens a Coordinate stream, registers as {@code d}, sends {@code more}; how the master ended it. */
  private Status coordinate(SubOrchestratorDescriptor.Builder d, CoordinateRequest... more) throws Exception {
    CompletableFuture<Status> ended = new CompletableFuture<>();
    var requests = CoordinationGrpc.newStub(channel).coordinate(new StreamObserver<CoordinateResponse>() {
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
    for (CoordinateRequest r : more) {
      requests.onNext(r);
    }
    Status status = ended.get(10, TimeUnit.SECONDS);
    requests.onCompleted();
    return status;
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

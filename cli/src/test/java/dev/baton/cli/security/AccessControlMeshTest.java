package dev.baton.cli.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.runtime.orchestrator.OrchestratorConfig;
import dev.baton.runtime.orchestrator.Specialisations;
import dev.baton.runtime.orchestrator.SubOrchestratorServer;
import dev.baton.runtime.security.BearerToken;
import dev.baton.runtime.security.ClientSecurity;
import dev.baton.runtime.security.Role;
import dev.baton.runtime.security.Security;
import dev.baton.runtime.security.auth.AccessRules;
import dev.baton.runtime.security.auth.AuthSettings;
import dev.baton.runtime.security.auth.Callers;
import dev.baton.runtime.security.tls.TestPki;
import dev.baton.v1.CancelPlanRequest;
import dev.baton.v1.CoordinateRequest;
import dev.baton.v1.CoordinateResponse;
import dev.baton.v1.CoordinationGrpc;
import dev.baton.v1.GetPlanRequest;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PeerGrpc;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.Register;
import dev.baton.v1.Specialization;
import dev.baton.v1.SubOrchestratorDescriptor;
import dev.baton.v1.SubOrchestratorGrpc;
import dev.baton.v1.SubmitPlanRequest;
import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master and a sub-orchestrator on mutual TLS with authorization on, over Netty: every RPC of
 * every service they serve is called without credentials, with a token of a wrong role and with a
 * certificate of a wrong identity, and refused with the right code; then who may do what: an
 * orchestrator certificate registers only for its domain, an instance id cannot be taken by
 * another identity, a submitter cancels only its own plans, and the submitter is on the plan and
 * on every delegation.
 */
class AccessControlMeshTest {
  private static final String BACKEND = TestPki.orchestrator("backend");
  private static final String NOBODY = TestPki.user("nobody");

  @TempDir Path pkiDir;
  @TempDir Path workspaces;
  @TempDir Path files;
  private TestPki pki;
  private MasterServer master;
  private SubOrchestratorServer sub;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    pki = TestPki.create(pkiDir);
    Path callers = files.resolve("callers.yaml");
    Callers.write(callers, List.of(
        new Object[] {"vera", "viewer", "viewer-token"},
        new Object[] {"alice", "submitter", "alice-token"},
        new Object[] {"bob", "submitter", "bob-token"},
        new Object[] {"root", "admin", "admin-token"},
        new Object[] {"evil", "orchestrator", "orchestrator-token"},
        new Object[] {"fake-master", "master", "master-token"}));
    AuthSettings auth = new AuthSettings("baton", callers, null);
    master = MasterServer.start(MasterConfig.builder()
        .security(new Security(pki.server(TestPki.MASTER, auth.interceptors()), pki.client(TestPki.MASTER)))
        .instanceWait(Duration.ofSeconds(2)).build());
    closing.add(master);
    sub = SubOrchestratorServer.start(OrchestratorConfig.builder()
        .masterAddress(master.address()).instanceId("backend-1").workspaceRoot(workspaces)
        .heartbeatInterval(Duration.ofMillis(200))
        .security(new Security(pki.server(BACKEND, auth.interceptors()), pki.client(BACKEND))).build(),
        Specialisations.find("backend"));
    closing.add(0, sub);
    await().atMost(Duration.ofSeconds(15)).until(sub::registered);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    pki.close();
  }

  @Test
  void everyRpcOfEveryServiceIsRefusedWithoutCredentialsWithAWrongRoleAndWithAWrongIdentity() throws Exception {
    List<ServiceDescriptor> masterServices = List.of(MasterGrpc.getServiceDescriptor(),
        CoordinationGrpc.getServiceDescriptor(), HealthGrpc.getServiceDescriptor(), ServerReflectionGrpc.getServiceDescriptor());
    List<ServiceDescriptor> subServices = List.of(SubOrchestratorGrpc.getServiceDescriptor(),
        PeerGrpc.getServiceDescriptor(), HealthGrpc.getServiceDescriptor(), ServerReflectionGrpc.getServiceDescriptor());
    int checked = 0;
    for (var target : List.of(new Target(master.address(), masterServices), new Target(sub.address(), subServices))) {
      for (ServiceDescriptor service : target.services()) {
        for (MethodDescriptor<?, ?> method : service.getMethods()) {
          String name = method.getFullMethodName();
          Set<Role> needed = AccessRules.required(name).orElseThrow(() -> new AssertionError("no rule for " + name));
          Status.Code anonymous = call(target.address(), pki.anonymousClient(), method, null);
          if (needed.isEmpty()) {
            assertThat(anonymous).as(name + " is public").isNotIn(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED);
            continue;
          }
          assertThat(anonymous).as(name + " without credentials").isEqualTo(Status.Code.UNAUTHENTICATED);
          String wrongToken = wrongToken(needed);
          if (wrongToken != null) {
            assertThat(call(target.address(), pki.anonymousClient(), method, new BearerToken(wrongToken)))
                .as(name + " with " + wrongToken).isEqualTo(Status.Code.PERMISSION_DENIED);
          }
          String wrongIdentity = needed.contains(Role.ORCHESTRATOR) ? (needed.contains(Role.MASTER) ? NOBODY : TestPki.MASTER)
              : needed.contains(Role.MASTER) ? BACKEND : BACKEND;
          assertThat(call(target.address(), pki.client(wrongIdentity), method, null))
              .as(name + " with the certificate of " + wrongIdentity).isEqualTo(Status.Code.PERMISSION_DENIED);
          checked++;
        }
      }
    }
    // Master 8 + Coordinate 1 + reflection 1; sub-orchestrator 6 + Peer 1 + reflection 1.
    assertThat(checked).isEqualTo(18);
  }

  /** A token whose roles (with what they imply) include none of {@code needed}; null if every token has one. */
  private static String wrongToken(Set<Role> needed) {
    for (var t : List.of(new Object[] {"viewer-token", Role.VIEWER}, new Object[] {"orchestrator-token", Role.ORCHESTRATOR},
        new Object[] {"master-token", Role.MASTER})) {
      if (AccessRules.effective(Set.of((Role) t[1])).stream().noneMatch(needed::contains)) {
        return (String) t[0];
      }
    }
    return null;
  }

  @Test
  void anOrchestratorRegistersOnlyForItsDomainAndCannotTakeAnotherIdentitysInstanceId() throws Exception {
    Status other = register(pki.client(TestPki.orchestrator("frontend")), null, "backend-9");
    assertThat(other.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(other.getDescription()).contains("may register only for domain frontend, not backend");

    Status forged = register(pki.anonymousClient(), new BearerToken("orchestrator-token"), "backend-1");
    assertThat(forged.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(forged.getDescription()).contains("evil is not an orchestrator identity");

    // The real instance is still the one registered, and healthy.
    ManagedChannel admin = channel(master.address(), pki.anonymousClient());
    assertThat(MasterGrpc.newBlockingStub(admin).withCallCredentials(new BearerToken("admin-token"))
        .listOrchestrators(ListOrchestratorsRequest.getDefaultInstance()).getInstancesList())
        .extracting(i -> i.getOrchestrator().getId()).containsExactly("backend-1");
  }

  @Test
  void aSubmitterCancelsOnlyItsOwnPlansAndItsIdentityIsOnThePlanAndEveryDelegation() throws Exception {
    ManagedChannel channel = channel(master.address(), pki.anonymousClient());
    var alice = MasterGrpc.newBlockingStub(channel).withCallCredentials(new BearerToken("alice-token"));
    var bob = MasterGrpc.newBlockingStub(channel).withCallCredentials(new BearerToken("bob-token"));
    var root = MasterGrpc.newBlockingStub(channel).withCallCredentials(new BearerToken("admin-token"));
    String yaml = "apiVersion: baton.dev/v1\nkind: Plan\nmetadata:\n  name: owned\nspec:\n  tasks:\n"
        + "    - id: one\n      description: d\n      orchestrator: backend\n      estimate: 1m\n"
        + "    - id: two\n      description: d\n      orchestrator: backend\n      estimate: 1m\n      dependsOn: [one]\n";
    String fast = alice.submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml).setTimeScale(0.001).build()).getPlanId();
    await().atMost(Duration.ofSeconds(30)).until(() -> master.store().status(fast).orElseThrow().getState()
        == PlanState.PLAN_STATE_SUCCEEDED);
    PlanStatus done = alice.getPlan(GetPlanRequest.newBuilder().setPlanId(fast).build()).getStatus();
    assertThat(done.getSubmittedBy().getSubject()).isEqualTo("alice");
    assertThat(done.getSubmittedBy().getRolesList()).containsExactly("submitter");
    List<PlanEvent> delegated = master.store().read(fast, 0).stream().filter(PlanEvent::hasTaskDelegated).toList();
    assertThat(delegated).hasSize(2).allSatisfy(e ->
        assertThat(e.getTaskDelegated().getSubmitter().getSubject()).isEqualTo("alice"));

    String slow = alice.submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml).setTimeScale(1).build()).getPlanId();
    StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> bob.cancelPlan(CancelPlanRequest.newBuilder().setPlanId(slow).build()));
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refused.getStatus().getDescription()).contains("needs role admin, or to be its submitter (alice)", "bob");
    assertThat(alice.getPlan(GetPlanRequest.newBuilder().setPlanId(slow).build()).getStatus().getState())
        .isNotEqualTo(PlanState.PLAN_STATE_CANCELLED);
    assertThat(root.cancelPlan(CancelPlanRequest.newBuilder().setPlanId(slow).setReason("admin").build())
        .getStatus().getState()).isEqualTo(PlanState.PLAN_STATE_CANCELLED);
    assertThatThrownBy(() -> MasterGrpc.newBlockingStub(channel).withCallCredentials(new BearerToken("no-such-token"))
        .getPlan(GetPlanRequest.newBuilder().setPlanId(slow).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).contains("not one this server knows");
        });
  }

  private record Target(String address, List<ServiceDescriptor> services) {}

  private ManagedChannel channel(String address, ClientSecurity security) {
    ManagedChannel channel = security.nettyBuilder(address).build();
    closing.add(0, channel::shutdownNow);
    return channel;
  }

  /** Calls {@code method} with an empty request (half-closed at once) and returns how it ended. */
  private Status.Code call(String address, ClientSecurity security, MethodDescriptor<?, ?> method, CallCredentials token)
      throws Exception {
    ManagedChannel channel = channel(address, security);
    MethodDescriptor<byte[], byte[]> raw = method.toBuilder(BYTES, BYTES).build();
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(3, TimeUnit.SECONDS);
    ClientCall<byte[], byte[]> call = channel.newCall(raw, token == null ? options : options.withCallCredentials(token));
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, new Metadata());
    call.request(1);
    call.sendMessage(new byte[0]);
    call.halfClose();
    Status status = closed.get(10, TimeUnit.SECONDS);
    call.cancel("done", null);
    return status.getCode();
  }

  /** Opens a Coordinate stream and sends Register for {@code instanceId} of domain backend; returns how the stream ended. */
  private Status register(ClientSecurity security, CallCredentials token, String instanceId) throws Exception {
    ManagedChannel channel = channel(master.address(), security);
    var stub = CoordinationGrpc.newStub(channel);
    CompletableFuture<Status> ended = new CompletableFuture<>();
    StreamObserver<CoordinateRequest> up = (token == null ? stub : stub.withCallCredentials(token))
        .coordinate(new StreamObserver<>() {
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
    up.onNext(CoordinateRequest.newBuilder().setRegister(Register.newBuilder().setProtocol(1)
        .setOrchestrator(SubOrchestratorDescriptor.newBuilder().setId(instanceId).setName("x")
            .setAddress("127.0.0.1:1").setSpecialization(Specialization.newBuilder().setDomain("backend")))).build());
    Status s = ended.get(10, TimeUnit.SECONDS);
    up.onCompleted();
    return s;
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
        throw new IllegalStateException(e);
      }
    }
  };
}

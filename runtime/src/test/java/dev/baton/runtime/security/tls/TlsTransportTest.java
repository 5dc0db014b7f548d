package dev.baton.runtime.security.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.runtime.security.ClientSecurity;
import dev.baton.runtime.security.OpenAccess;
import dev.baton.runtime.security.ServerSecurity;
import dev.baton.runtime.server.GrpcServer;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS over real Netty sockets with certificates from a real CA in files: who gets through the
 * handshake, and that rotating the files changes what new connections see without a restart.
 */
class TlsTransportTest {
  @TempDir Path dir;
  @TempDir Path otherDir;
  private TestPki pki;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void setUp() {
    pki = TestPki.create(dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    pki.close();
  }

  private GrpcServer serve(ServerSecurity security) {
    GrpcServer server = GrpcServer.start("127.0.0.1", 0, List.of(), List.of(), security);
    open.add(server);
    return server;
  }

  private ManagedChannel dial(GrpcServer server, ClientSecurity client) {
    ManagedChannel channel = client.nettyBuilder(server.address()).build();
    open.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return channel;
  }

  private static HealthCheckResponse check(Channel channel) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance());
  }

  @Test
  void orchestratorCertificateAndCertificatelessClientBothConnectOverTls() {
    GrpcServer server = serve(pki.security(TestPki.MASTER).server());

    assertThat(check(dial(server, pki.client(TestPki.orchestrator("backend")))).getStatus())
        .isEqualTo(ServingStatus.SERVING);
    assertThat(check(dial(server, pki.anonymousClient())).getStatus()).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void serverSeesTheClientsUriSanIdentity() {
    AtomicReference<SSLSession> session = new AtomicReference<>();
    io.grpc.ServerInterceptor capture = new io.grpc.ServerInterceptor() {
      @Override
      public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, Metadata headers,
          io.grpc.ServerCallHandler<Q, R> next) {
        session.set(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        return next.startCall(call, headers);
      }
    };
    GrpcServer server = GrpcServer.start("127.0.0.1", 0, List.of(new HealthLikeService()), List.of(),
        pki.server(TestPki.MASTER, List.of(capture, OpenAccess.INSTANCE)));
    open.add(server);

    ManagedChannel channel = dial(server, pki.client(TestPki.orchestrator("frontend")));
    io.grpc.stub.ClientCalls.blockingUnaryCall(channel, HealthLikeService.CHECK, CallOptions.DEFAULT
        .withDeadlineAfter(10, TimeUnit.SECONDS), HealthCheckRequest.getDefaultInstance());

    assertThat(session.get()).isNotNull();
    assertThat(Certificates.uriSans(session.get())).containsExactly("spiffe://baton/orchestrator/frontend");
  }

  /**
   * A pod dialled at an IP its certificate does not name (Kubernetes): refused when the host name is
   * checked, accepted by its SPIFFE identity with --tls-server-identity spiffe; an identity of
   * another trust domain is refused even then.
   */
  @Test
  void serverCheckedBySpiffeIdentityInsteadOfHostName() {
    TlsFiles podCert = pki.issue(CertificateRequest.forIdentity(TestPki.orchestrator("backend"))
        .withDns(List.of("baton-backend")).withIps(List.of("192.0.2.7")));
    GrpcServer server = serve(pki.load(podCert).serverSecurity(List.of(OpenAccess.INSTANCE)));
    TlsFiles master = pki.issue(TestPki.MASTER);

    assertThatThrownBy(() -> check(dial(server, pki.load(master).clientSecurity(null))))
        .as("127.0.0.1 is not in the certificate").isInstanceOf(StatusRuntimeException.class);
    assertThat(check(dial(server, pki.load(master.withServerTrustDomain("baton")).clientSecurity(null))).getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThatThrownBy(() -> check(dial(server, pki.load(master.withServerTrustDomain("elsewhere")).clientSecurity(null))))
        .as("an identity of another trust domain").isInstanceOf(StatusRuntimeException.class);
  }

  @Test
  void plaintextClientCannotTalkToATlsServer() {
    GrpcServer server = serve(pki.security(TestPki.MASTER).server());

    assertThatThrownBy(() -> check(dial(server, ClientSecurity.plaintext())))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE));
  }

  @Test
  void clientCertificateFromAnotherCaIsRefused() {
    GrpcServer server = serve(pki.security(TestPki.MASTER).server());
    try (TestPki other = TestPki.create(otherDir)) {
      // the stranger trusts our CA, so only its own certificate is in question
      TlsFiles stranger = other.issue(TestPki.orchestrator("backend"));
      TlsMaterial m = pki.load(new TlsFiles(stranger.certChain(), stranger.privateKey(),
          pki.ca().certificateFile(), TestPki.RELOAD));

      assertThatThrownBy(() -> check(dial(server, m.clientSecurity(null))))
          .isInstanceOf(StatusRuntimeException.class);
    }
  }

  @Test
  void serverCertificateFromAnotherCaIsRefused() {
    try (TestPki other = TestPki.create(otherDir)) {
      GrpcServer server = serve(other.security(TestPki.MASTER).server());

      assertThatThrownBy(() -> check(dial(server, pki.client(TestPki.orchestrator("backend")))))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE));
    }
  }

  @Test
  void expiredClientCertificateIsRefused() {
    GrpcServer server = serve(pki.security(TestPki.MASTER).server());
    ClientSecurity expired = pki.load(pki.issueExpired(TestPki.orchestrator("devops"))).clientSecurity(null);

    assertThatThrownBy(() -> check(dial(server, expired))).isInstanceOf(StatusRuntimeException.class);
    // the same client with a valid certificate gets through: the expiry was the reason
    assertThat(check(dial(server, pki.client(TestPki.orchestrator("devops")))).getStatus())
        .isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void expiredServerCertificateIsRefused() {
    GrpcServer server = serve(pki.load(pki.issueExpired(TestPki.MASTER)).serverSecurity(List.of(OpenAccess.INSTANCE)));

    assertThatThrownBy(() -> check(dial(server, pki.client(TestPki.orchestrator("backend")))))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE));
  }

  @Test
  void serverCertificateWithoutTheDialledAddressFailsHostnameVerification() {
    TlsFiles elsewhere = pki.issue(CertificateRequest.forIdentity(TestPki.MASTER)
        .withDns(List.of("master.elsewhere.example")).withIps(List.of("10.9.9.9")));
    GrpcServer server = serve(pki.load(elsewhere).serverSecurity(List.of(OpenAccess.INSTANCE)));

    assertThatThrownBy(() -> check(dial(server, pki.client(TestPki.orchestrator("backend")))))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE));
  }

  @Test
  void rotatedServerCertificateIsServedToNewConnectionsWhileAnOldStreamKeepsWorking() throws Exception {
    TlsFiles files = pki.issue(TestPki.MASTER);
    GrpcServer server = serve(pki.load(files).serverSecurity(List.of(OpenAccess.INSTANCE)));
    ClientSecurity client = pki.client(TestPki.orchestrator("backend"));
    BigInteger first = serverSerial(dial(server, client));

    // an old stream: Watch on a connection made before the rotation
    List<ServingStatus> seen = new CopyOnWriteArrayList<>();
    HealthGrpc.newStub(dial(server, client)).watch(HealthCheckRequest.getDefaultInstance(), new StreamObserver<>() {
      @Override
      public void onNext(HealthCheckResponse value) {
        seen.add(value.getStatus());
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(ServingStatus.SERVING));

    TlsFiles rotated = pki.issue(TestPki.MASTER); // same files, a new key and serial
    assertThat(rotated.certChain()).isEqualTo(files.certChain());

    await().atMost(Duration.ofSeconds(10)).untilAsserted(
        () -> assertThat(serverSerial(dial(server, client))).isNotEqualTo(first));
    server.enterShutdown(); // NOT_SERVING reaches the old stream: it still works
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(ServingStatus.NOT_SERVING));
  }

  @Test
  void aCaAddedToTheBundleFileIsTrustedByNewConnectionsWithoutARestart() throws Exception {
    // the server's own copy of the bundle, so that rewriting it changes nothing else
    Path bundle = dir.resolve("server-bundle.pem");
    java.nio.file.Files.copy(pki.ca().certificateFile(), bundle);
    TlsFiles master = pki.issue(TestPki.MASTER);
    GrpcServer server = serve(pki.load(new TlsFiles(master.certChain(), master.privateKey(), bundle, TestPki.RELOAD))
        .serverSecurity(List.of(OpenAccess.INSTANCE)));
    try (TestPki other = TestPki.create(otherDir)) {
      TlsFiles stranger = other.issue(TestPki.orchestrator("backend"));
      ClientSecurity client = pki.load(new TlsFiles(stranger.certChain(), stranger.privateKey(),
          pki.ca().certificateFile(), TestPki.RELOAD)).clientSecurity(null);
      assertThatThrownBy(() -> check(dial(server, client))).isInstanceOf(StatusRuntimeException.class);

      java.nio.file.Files.writeString(bundle, java.nio.file.Files.readString(pki.ca().certificateFile())
          + java.nio.file.Files.readString(other.ca().certificateFile()));

      await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(
          () -> assertThat(check(dial(server, client)).getStatus()).isEqualTo(ServingStatus.SERVING));
    }
  }

  @Test
  void plaintextOnAWildcardAddressIsRefusedUnlessInsecure() {
    ServerSecurity plaintext = ServerSecurity.open();
    assertThatThrownBy(() -> GrpcServer.start("0.0.0.0", 0, List.of(), List.of(), plaintext))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("0.0.0.0")
        .hasMessageContaining("--tls-cert, --tls-key and --tls-ca")
        .hasMessageContaining("--insecure");

    GrpcServer insecure = serve(new ServerSecurity(InsecureServerCredentials.create(),
        List.of(OpenAccess.INSTANCE), true));
    assertThat(insecure.port()).isPositive();
    GrpcServer anyWithTls = GrpcServer.start("0.0.0.0", 0, List.of(), List.of(), pki.security(TestPki.MASTER).server());
    open.add(anyWithTls);
    assertThat(check(dial(anyWithTls, pki.anonymousClient())).getStatus()).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void badFilesAreNamedInTheError() throws Exception {
    TlsFiles good = pki.issue(TestPki.MASTER);
    Path missing = dir.resolve("nope.pem");
    assertThatThrownBy(() -> TlsMaterial.load(new TlsFiles(missing, good.privateKey(), good.caBundle(), null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString())
        .hasMessageContaining("no such file");
    assertThatThrownBy(() -> TlsMaterial.load(new TlsFiles(good.certChain(), good.certChain(), good.caBundle(), null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(good.certChain().toString())
        .hasMessageContaining("not a private key");
    TlsFiles other = pki.issue(TestPki.orchestrator("backend"));
    assertThatThrownBy(() -> TlsMaterial.load(new TlsFiles(good.certChain(), other.privateKey(), good.caBundle(), null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not belong to the certificate");
    java.nio.file.Files.writeString(dir.resolve("junk.pem"), "hello");
    assertThatThrownBy(() -> TlsMaterial.load(TlsFiles.trustOnly(dir.resolve("junk.pem"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("junk.pem");
  }

  /** The server certificate's serial as seen by a new call on {@code channel}. */
  private static BigInteger serverSerial(ManagedChannel channel) throws Exception {
    AtomicReference<SSLSession> session = new AtomicReference<>();
    ClientInterceptor capture = new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            ClientCall<Q, R> self = this;
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onHeaders(Metadata h) {
                session.set(self.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                super.onHeaders(h);
              }
            }, headers);
          }
        };
      }
    };
    check(io.grpc.ClientInterceptors.intercept(channel, capture));
    return ((X509Certificate) session.get().getPeerCertificates()[0]).getSerialNumber();
  }

  /** A one-method service ({@code test.Echo/Check}) on the health messages, behind the server's security interceptors. */
  private static final class HealthLikeService implements io.grpc.BindableService {
    static final MethodDescriptor<HealthCheckRequest, HealthCheckResponse> CHECK =
        MethodDescriptor.<HealthCheckRequest, HealthCheckResponse>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("test.Echo/Check")
            .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(HealthCheckRequest.getDefaultInstance()))
            .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(HealthCheckResponse.getDefaultInstance()))
            .build();

    @Override
    public io.grpc.ServerServiceDefinition bindService() {
      return io.grpc.ServerServiceDefinition.builder("test.Echo")
          .addMethod(CHECK, io.grpc.stub.ServerCalls.asyncUnaryCall((req, out) -> {
            out.onNext(HealthCheckResponse.newBuilder().setStatus(ServingStatus.SERVING).build());
            out.onCompleted();
          }))
          .build();
    }
  }
}

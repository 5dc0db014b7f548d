package dev.baton.runtime.server;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import dev.baton.runtime.security.BindGuard;
import dev.baton.runtime.limits.BatonBounds;
import dev.baton.runtime.limits.BoundsInterceptor;
import dev.baton.runtime.security.ServerSecurity;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started gRPC server on Netty that every Baton role shares: the role's services behind the
 * {@link StatusMapping} interceptor, plus {@code grpc.health.v1} and server reflection so that
 * {@code grpcurl} works against any orchestrator.
 *
 * <p>Keepalive ({@link Keepalive}) is permissive on the server side because orchestrators hold one
 * Coordinate stream open for hours and ping it to detect dead peers; the server pings idle clients too.
 */
public final class GrpcServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);
  /** Every request message of every service against Baton's bounds (docs/security.md). */
  private static final BoundsInterceptor BOUNDS = new BoundsInterceptor(BatonBounds.standard());
  /**
   * Largest message a server takes, master and sub-orchestrators alike: 8 MiB, twice the largest
   * delegation package ({@link BatonBounds#PACKAGE_BYTES}) and eight times the largest plan, so that
   * anything within the bounds arrives and is refused by name by {@link BoundsInterceptor}; a larger
   * message is refused by gRPC itself (RESOURCE_EXHAUSTED) before it is parsed.
   */
  public static final int MAX_INBOUND_BYTES = 8 * 1024 * 1024;

  private final Server server;
  private final HealthStatusManager health;
  private final List<String> serviceNames;
  /** Null for an in-process server. */
  private final String host;
  /** Null for a Netty server. */
  private final String inProcessName;

  private GrpcServer(Server server, HealthStatusManager health, List<String> serviceNames, String host,
      String inProcessName) {
    this.server = server;
    this.health = health;
    this.serviceNames = List.copyOf(serviceNames);
    this.host = host;
    this.inProcessName = inProcessName;
  }

  /**
   * Binds {@code host:port} (port 0 picks a free one) and starts serving.
   *
   */
  public static GrpcServer start(String host, int port, List<BindableService> services) {
    return start(host, port, services, List.of());
  }

  /**
   * Like {@link #start(String, int, List)}, with {@code interceptors} around every service given
   * (inside the {@link StatusMapping}, the first listed first): a master's standby gate.
   */
  public static GrpcServer start(String host, int port, List<BindableService> services,
      List<io.grpc.ServerInterceptor> interceptors) {
    return start(host, port, services, interceptors, ServerSecurity.open());
  }

  /**
   * Like {@link #start(String, int, List, List)}, secured by {@code security}: its transport
   * credentials, and its interceptors outside every other (the caller's {@link
   * dev.baton.runtime.security.Principal} is known before any service code runs).
   *
   * @throws IllegalStateException for plaintext on an interface other than loopback, unless {@link
   *     ServerSecurity#insecure()} ({@link BindGuard})
   */
  public static GrpcServer start(String host, int port, List<BindableService> services,
      List<io.grpc.ServerInterceptor> interceptors, ServerSecurity security) {
    BindGuard.check("gRPC server", host, port, security.isPlaintext(), security.insecure());
    NettyServerBuilder builder =
        Keepalive.server(NettyServerBuilder.forAddress(new InetSocketAddress(host, port), security.credentials()))
            .maxInboundMessageSize(MAX_INBOUND_BYTES);
    return start(builder, host, null, host + ":" + port, services, interceptors, security);
  }

  /** The scheme of an in-process server's {@link #address}: {@code inprocess:NAME}. */
  public static final String IN_PROCESS_SCHEME = "inprocess:";

  /**
   * Serves the same services as {@link #start(String, int, List, List)} on grpc-inprocess under
   * {@code name} instead of a port: for tests (deterministic, no sockets) and embedding code. Its
   * {@link #address} is {@code inprocess:NAME}, which the master's channel pool dials in process.
   * The server's callbacks run on {@code executor} and its timers on {@code timers} (both the
   * caller's: a test passes executors driven by a manual clock, so that nothing runs on a thread it
   * cannot see); the methods of a {@link NonBlocking} service still run on the sender's thread.
   *
   * @param name unique in this JVM while the server runs; 1 to 200 characters of
   *     {@code A-Z a-z 0-9 . _ -}
   */
  public static GrpcServer startInProcess(String name, List<BindableService> services,
      List<io.grpc.ServerInterceptor> interceptors, Executor executor,
      java.util.concurrent.ScheduledExecutorService timers) {
    if (name == null || !name.matches("[A-Za-z0-9._-]{1,200}")) {
      throw new IllegalArgumentException("in-process server name: '" + name
          + "' (expected: 1 to 200 characters of A-Z, a-z, 0-9, '.', '_', '-', e.g. master-1)");
    }
    var builder = io.grpc.inprocess.InProcessServerBuilder.forName(name)
        .executor(executor).scheduledExecutorService(timers).maxInboundMessageSize(MAX_INBOUND_BYTES);
    return start(builder, null, name, IN_PROCESS_SCHEME + name, services, interceptors, ServerSecurity.open());
  }

  private static GrpcServer start(io.grpc.ServerBuilder<?> builder, String host, String inProcessName,
      String where, List<BindableService> services, List<io.grpc.ServerInterceptor> interceptors,
      ServerSecurity security) {
    HealthStatusManager health = new HealthStatusManager();
    // Outermost: the caller's W3C trace context, for the handlers' spans (docs/observability.md "Traces").
    builder.intercept(dev.baton.runtime.telemetry.TracingInterceptors.server());
    List<String> names = new ArrayList<>();
    if (security.interceptors().stream().anyMatch(i -> i instanceof dev.baton.runtime.security.auth.AccessControl)) {
      List<io.grpc.ServerServiceDefinition> served = new ArrayList<>();
      services.forEach(s -> served.add(s.bindService()));
      served.add(health.getHealthService().bindService());
      served.add(ProtoReflectionServiceV1.newInstance().bindService());
      List<String> missing = dev.baton.runtime.security.auth.AccessRules.missing(served);
      if (!missing.isEmpty()) {
        throw new IllegalStateException("no access rule for " + missing
            + " (every RPC a server serves needs a row in AccessRules; see docs/security.md)");
      }
    }
    for (BindableService service : services) {
      var definition = service.bindService();
      names.add(definition.getServiceDescriptor().getName());
      if (service instanceof Intercepted own) {
        definition = ServerInterceptors.interceptForward(definition, own.interceptors());
      }
      if (!interceptors.isEmpty()) {
        definition = ServerInterceptors.interceptForward(definition, interceptors);
      }
      definition = ServerInterceptors.intercept(definition, BOUNDS);
      definition = ServerInterceptors.intercept(definition, new StatusMapping());
      builder.addService(MalformedMessages.guard(ServerInterceptors.interceptForward(definition, security.interceptors())));
    }
    // Health is public in the access table (probes), reflection needs a role: both behind the same checks.
    builder.addService(MalformedMessages.guard(
        ServerInterceptors.interceptForward(health.getHealthService().bindService(), security.interceptors())));
    builder.addService(MalformedMessages.guard(
        ServerInterceptors.interceptForward(ProtoReflectionServiceV1.newInstance().bindService(), security.interceptors())));
    Set<String> direct = new HashSet<>();
    for (BindableService service : services) {
      if (service instanceof NonBlocking nb) {
        direct.addAll(nb.nonBlockingMethods());
      }
    }
    if (!direct.isEmpty()) {
      // null: the server's default executor
      builder.callExecutor(new ServerCallExecutorSupplier() {
        @Override
        public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
          return direct.contains(call.getMethodDescriptor().getFullMethodName()) ? MoreExecutors.directExecutor() : null;
        }
      });
    }
    // gRPC's own call metrics when the process serves /metrics (a no-op otherwise).
    dev.baton.runtime.metrics.GrpcMetrics.server(builder);
    Server server;
    try {
      server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(inProcessName != null
          ? "cannot serve in process as '" + inProcessName + "' (is the name in use? pick another)"
          : "cannot listen on " + where + " (is the port in use? pass another --port)", e);
    }
    health.setStatus("", ServingStatus.SERVING);
    for (String name : names) {
      health.setStatus(name, ServingStatus.SERVING);
    }
    log.info("gRPC server {} with {}", inProcessName != null ? "in process as " + inProcessName
        : "listening on " + host + ":" + server.getPort() + (security.isPlaintext() ? " (plaintext)" : " (TLS)"), names);
    return new GrpcServer(server, health, names, host, inProcessName);
  }

  /**
   * A service some of whose handlers never block (no waiting on locks held long, no I/O, no
   * futures): those run on the transport's thread instead of hopping to the server's executor for
   * every message, which on a stream carrying thousands of small messages a second costs more than
   * handling them.
   */
  public interface NonBlocking {
    /** Full method names, e.g. {@code baton.v1.SubOrchestrator/Execute}. */
    Set<String> nonBlockingMethods();
  }

  /**
   * A service with interceptors of its own (such as a sub-orchestrator's epoch fence): they run
   * inside the {@link StatusMapping}, the first listed first.
   */
  public interface Intercepted {
    List<io.grpc.ServerInterceptor> interceptors();
  }

  /** The port bound; -1 for an in-process server. */
  public int port() {
    return server.getPort();
  }

  /** {@code host:port} that clients on this machine can dial; {@code inprocess:NAME} in process. */
  public String address() {
    if (inProcessName != null) {
      return IN_PROCESS_SCHEME + inProcessName;
    }
    return dialable(host, port());
  }

  /**
   * {@code host:port} a client on this machine dials to reach a server bound to {@code host}: a
   * wildcard ({@code 0.0.0.0}, {@code ::}) becomes 127.0.0.1.
   */
  public static String dialable(String host, int port) {
    String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    return h + ":" + port;
  }

  /**
   * Sets what {@code grpc.health.v1} reports for {@code ""} and every service of this server: a
   * sub-orchestrator is NOT_SERVING until it is registered with a master, so probes see it. After
   * {@link #enterShutdown()} this does nothing (the server stays NOT_SERVING). Thread-safe.
   */
  public void setServing(boolean serving) {
    ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    health.setStatus("", status);
    for (String name : serviceNames) {
      health.setStatus(name, status);
    }
  }

  /**
   * Serves this server's health, and {@link HealthPort#LIVENESS}, on a plaintext port of its own on
   * the same interface, for probes that cannot speak TLS (Kubernetes' gRPC probes). The caller
   * closes it (after this server, so probes see NOT_SERVING to the end).
   */
  public HealthPort startHealthPort(int port) {
    if (inProcessName != null) {
      throw new IllegalStateException("an in-process server has no health port");
    }
    return HealthPort.start(host, port, health);
  }

  /** Marks every service NOT_SERVING, so health checks fail before the port closes. */
  public void enterShutdown() {
    health.enterTerminalState();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Stops accepting calls, gives running ones a moment, then cancels the rest. */
  @Override
  public void close() {
    enterShutdown();
    server.shutdown();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}

package dev.baton.runtime.coordination;

import dev.baton.v1.CoordinateRequest;
import dev.baton.v1.CoordinateResponse;
import dev.baton.v1.CoordinationGrpc;
import dev.baton.v1.CrossOrchestratorMessage;
import dev.baton.v1.Heartbeat;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.Register;
import dev.baton.v1.Registered;
import dev.baton.v1.SharedState;
import dev.baton.v1.SubOrchestratorDescriptor;
import dev.baton.v1.SyncArrival;
import dev.baton.v1.SyncNotify;
import dev.baton.v1.SyncRelease;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one Coordinate stream open to the master: Register first, then a Heartbeat with the load
 * every interval; answers SyncNotify with a SyncArrival carrying this instance's shared state;
 * records SyncRelease and cross-orchestrator messages.
 *
 * <p>The stream is meant to live as long as the process, so it has no deadline; HTTP/2 keepalive
 * detects a dead master instead. When the stream breaks, or the master is not up yet (orchestrators
 * may start first), the client dials again after a capped exponential backoff with jitter, reset
 * once the master answers Registered. The master's address is asked of a supplier before each dial
 * (with Consul it is the current passing {@code baton-master}), so a master that moved is found on
 * the next reconnect; a supplier with no answer counts as a failed dial. All frames of a stream go through one synchronized send, since
 * a gRPC stream observer is not thread-safe; a heartbeat is skipped rather than buffered when the
 * transport is not ready, as the next one supersedes it.
 */
public final class CoordinationClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CoordinationClient.class);

  /** What the client asks of the orchestrator it belongs to. Called on gRPC threads; must not block long. */
  public interface Handler {
    SubOrchestratorDescriptor descriptor();

    LoadMetrics load();

    /** This instance's shared state for the notified sync point. */
    SharedState sharedState(SyncNotify notify);
  }

  /**
   * @param masterAddress supplies {@code host:port} of the master's Coordination service, asked
   *     before every dial; null or blank while no master is known
   * @param heartbeatInterval used until the master's Registered names its own
   * @param initialBackoff first reconnect delay (before jitter)
   * @param maxBackoff cap of the reconnect delay
   */
  public record Settings(
      Supplier<String> masterAddress, String instanceId, Duration heartbeatInterval, Duration initialBackoff, Duration maxBackoff) {
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);

    public Settings {
      Objects.requireNonNull(masterAddress, "masterAddress");
      Objects.requireNonNull(instanceId, "instanceId");
      if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
        throw new IllegalArgumentException("heartbeatInterval: " + heartbeatInterval + " (expected: > 0)");
      }
      new Backoff(initialBackoff, maxBackoff, new Random(0));
    }

    /** A master at a fixed address. */
    public Settings(
        String masterAddress, String instanceId, Duration heartbeatInterval, Duration initialBackoff, Duration maxBackoff) {
      this(fixed(masterAddress), instanceId, heartbeatInterval, initialBackoff, maxBackoff);
    }

    private static Supplier<String> fixed(String address) {
      Objects.requireNonNull(address, "masterAddress");
      return () -> address;
    }

    public static Settings of(String masterAddress, String instanceId, Duration heartbeatInterval) {
      return new Settings(masterAddress, instanceId, heartbeatInterval, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF);
    }

    /** A master found anew before each dial, e.g. through Consul. */
    public static Settings of(Supplier<String> masterAddress, String instanceId, Duration heartbeatInterval) {
      return new Settings(masterAddress, instanceId, heartbeatInterval, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF);
    }
  }

  private final Settings settings;
  private final Handler handler;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Backoff backoff;

  // Guarded by this.
  private ManagedChannel channel;
  private String target = "";
  private Stream current;
  private int failures;
  private boolean closed;
  private Registered registered;
  private int registrations;
  private final List<SyncRelease> releases = new ArrayList<>();
  private final List<CrossOrchestratorMessage> messages = new ArrayList<>();

  public CoordinationClient(
      Settings settings, Handler handler, ScheduledExecutorService scheduler, Clock clock, Random random) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff(), random);
  }

  /** Dials the master; returns at once. */
  public void start() {
    connect();
  }

  /** True while a stream is open and the master has answered Registered on it. */
  public synchronized boolean registered() {
    return current != null && current.registered;
  }

  /** The master's last Registered answer (its id, the live peers), if any. */
  public synchronized Optional<Registered> lastRegistered() {
    return Optional.ofNullable(registered);
  }

  /** How many times the master has answered Registered (1 + the successful reconnections). */
  public synchronized int registrations() {
    return registrations;
  }

  public synchronized List<SyncRelease> releases() {
    return List.copyOf(releases);
  }

  public synchronized List<CrossOrchestratorMessage> messages() {
    return List.copyOf(messages);
  }

  /** The master address dialled last, empty before the first dial. */
  public synchronized String masterAddress() {
    return target;
  }

  private String describeMaster() {
    String t = masterAddress();
    return t.isEmpty() ? "(address not known yet)" : t;
  }

  @Override
  public void close() {
    Stream stream;
    ManagedChannel open;
    synchronized (this) {
      closed = true;
      stream = current;
      current = null;
      open = channel;
    }
    if (stream != null) {
      stream.end(true);
    }
    if (open == null) {
      return;
    }
    open.shutdown();
    try {
      if (!open.awaitTermination(2, TimeUnit.SECONDS)) {
        open.shutdownNow();
      }
    } catch (InterruptedException e) {
      open.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void connect() {
    Stream stream;
    ManagedChannel dial;
    synchronized (this) {
      if (closed) {
        return;
      }
      stream = new Stream();
      current = stream;
      dial = channelToMaster();
    }
    if (dial == null) {
      streamEnded(stream, new IllegalStateException("no master address known yet"));
      return;
    }
    try {
      CoordinationGrpc.newStub(dial).coordinate(stream);
      stream.send(CoordinateRequest.newBuilder()
          .setRegister(Register.newBuilder().setOrchestrator(handler.descriptor()))
          .build());
      stream.scheduleHeartbeats(settings.heartbeatInterval());
    } catch (RuntimeException e) {
      stream.onError(e);
    }
  }

  /** The channel to the master's current address, replacing one to an old address; null if none is known. */
  private ManagedChannel channelToMaster() {
    String address;
    try {
      address = settings.masterAddress().get();
    } catch (RuntimeException e) {
      log.debug("cannot resolve the master's address", e);
      address = null;
    }
    if (address == null || address.isBlank()) {
      return null;
    }
    if (channel != null && address.equals(target)) {
      return channel;
    }
    if (channel != null) {
      log.info("master moved from {} to {}; dialling the new address", target, address);
      channel.shutdownNow();
    }
    target = address;
    channel = NettyChannelBuilder.forTarget(address)
        .usePlaintext()
        .keepAliveTime(20, TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true)
        .build();
    return channel;
  }

  private void streamEnded(Stream stream, Throwable error) {
    Duration delay;
    int failure;
    synchronized (this) {
      if (closed || current != stream) {
        return;
      }
      current = null;
      failure = failures++;
      delay = backoff.delay(failure);
    }
    // Only the first failure of a run is worth a person's attention; the redials after it are noise.
    String reason = error == null ? "completed by the master" : error.getMessage();
    if (failure == 0) {
      log.info("coordination stream to master {} ended ({}); redialling with backoff",
          describeMaster(), reason);
    } else {
      log.debug("redial {} to master {} failed ({}); next in {} ms",
          failure, describeMaster(), reason, delay.toMillis());
    }
    try {
      scheduler.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      log.debug("not redialling: scheduler is shut down");
    }
  }

  private void onRegistered(Stream stream, Registered answer) {
    synchronized (this) {
      if (current != stream) {
        return;
      }
      stream.registered = true;
      registered = answer;
      registrations++;
      failures = 0;
    }
    log.info("registered with master {} at {} ({} peer(s))",
        answer.getMasterId(), masterAddress(), answer.getPeersCount());
    if (answer.getHeartbeatIntervalMs() > 0) {
      stream.scheduleHeartbeats(Duration.ofMillis(answer.getHeartbeatIntervalMs()));
    }
  }

  private void onSyncNotify(Stream stream, SyncNotify notify) {
    SharedState state = handler.sharedState(notify);
    log.info("sync point '{}' of plan {} reached; arriving with {} document(s) and {} task(s)",
        notify.getSyncPoint(), notify.getPlanId(), state.getDocumentsCount(), state.getCompletedTasksCount());
    stream.send(CoordinateRequest.newBuilder()
        .setSyncArrival(SyncArrival.newBuilder()
            .setPlanId(notify.getPlanId())
            .setSyncPoint(notify.getSyncPoint())
            .setState(state))
        .build());
  }

  private synchronized void record(SyncRelease release) {
    releases.add(release);
    log.info("sync point '{}' of plan {} released", release.getSyncPoint(), release.getPlanId());
  }

  private synchronized void record(CrossOrchestratorMessage message) {
    messages.add(message);
    log.info("{} message from {}: {}", message.getType(), message.getFromOrchestrator(), message.getPayload().getSubject());
  }

  /** One attempt at the stream; a new one replaces it after it breaks. */
  private final class Stream implements ClientResponseObserver<CoordinateRequest, CoordinateResponse> {
    private ClientCallStreamObserver<CoordinateRequest> requests;
    private ScheduledFuture<?> heartbeats;
    private boolean ended;
    volatile boolean registered;

    @Override
    public void beforeStart(ClientCallStreamObserver<CoordinateRequest> requestStream) {
      this.requests = requestStream;
    }

    synchronized void send(CoordinateRequest frame) {
      if (ended) {
        return;
      }
      try {
        requests.onNext(frame);
      } catch (RuntimeException e) {
        log.debug("dropping a {} frame on a broken coordination stream", frame.getBodyCase(), e);
      }
    }

    synchronized void scheduleHeartbeats(Duration interval) {
      if (ended) {
        return;
      }
      if (heartbeats != null) {
        heartbeats.cancel(false);
      }
      heartbeats = scheduler.scheduleAtFixedRate(
          this::heartbeat, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void heartbeat() {
      synchronized (this) {
        if (ended || !requests.isReady()) {
          return;
        }
      }
      Instant now = clock.instant();
      send(CoordinateRequest.newBuilder()
          .setHeartbeat(Heartbeat.newBuilder()
              .setInstanceId(settings.instanceId())
              .setLoad(handler.load())
              .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano())))
          .build());
    }

    /** Stops sending; {@code halfClose} politely completes our side (on close()). */
    synchronized void end(boolean halfClose) {
      if (ended) {
        return;
      }
      ended = true;
      if (heartbeats != null) {
        heartbeats.cancel(false);
      }
      if (requests != null) {
        try {
          if (halfClose) {
            requests.onCompleted();
          } else {
            requests.cancel("coordination stream ended", null);
          }
        } catch (RuntimeException e) {
          log.debug("closing an already broken coordination stream", e);
        }
      }
    }

    @Override
    public void onNext(CoordinateResponse response) {
      switch (response.getBodyCase()) {
        case REGISTERED -> onRegistered(this, response.getRegistered());
        case SYNC_NOTIFY -> onSyncNotify(this, response.getSyncNotify());
        case SYNC_RELEASE -> record(response.getSyncRelease());
        case MESSAGE -> record(response.getMessage());
        default -> log.debug("ignoring an empty coordination frame");
      }
    }

    @Override
    public void onError(Throwable error) {
      end(false);
      streamEnded(this, error);
    }

    @Override
    public void onCompleted() {
      end(true);
      streamEnded(this, null);
    }
  }
}

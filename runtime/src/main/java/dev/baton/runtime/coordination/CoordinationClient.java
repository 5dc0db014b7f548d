package dev.baton.runtime.coordination;

import dev.baton.runtime.backoff.Backoff;
import dev.baton.runtime.server.BatonException;
import dev.baton.runtime.server.Keepalive;
import dev.baton.runtime.server.LeaderHint;
import dev.baton.v1.Ack;
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
import dev.baton.v1.Subscribe;
import dev.baton.v1.SyncArrival;
import dev.baton.v1.SyncNotify;
import dev.baton.v1.SyncRelease;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one Coordinate session open to the master (docs/coordination-protocol.md): Register first,
 * then a Heartbeat with the load every interval; answers SyncNotify with a SyncArrival carrying this
 * instance's shared state; passes SyncRelease, Peers and cross-orchestrator messages on.
 *
 * <p>Every frame but Register, Heartbeat and Ack carries a sequence number and stays in a bounded
 * {@link Outbox} until the master acknowledges it; frames from the master are taken once and in order
 * ({@link InboundSequence}). When the stream breaks, or the master is not up yet, the client dials
 * again after a capped exponential backoff with jitter and asks to resume its session: the master
 * answers with the last sequence it received and both sides re-send exactly what the other lacks.
 * HTTP/2 keepalive ({@link Keepalive}) detects a dead master within seconds on an idle stream;
 * heartbeats are skipped rather than buffered when the transport is not ready, as the next one
 * supersedes them.
 *
 * <p>Following the leader: the {@link MasterLocator} is asked for candidates before each dial. A
 * stream that ended before the master answered Registered moves the client to the next candidate;
 * one that was registered and broke is redialled at the same address first (a master restarting on
 * its port). A standby answers UNAVAILABLE with a {@link LeaderHint}: the client dials the named
 * leader next, at once for up to {@value #MAX_FREE_HINTS} hints in a row (then after its backoff,
 * so two standbys naming each other cannot spin). The backoff is capped at
 * {@link Settings#DEFAULT_MAX_BACKOFF 1 s} by default and the channel's own connection backoff
 * (grpc-java's grows to two minutes) is reset before every dial: a master that is back, or a new
 * leader, is found within about a second. Every Register carries the executions the instance
 * holds ({@link Handler#addHeldExecutions}) so a new leader can reconcile.
 */
public final class CoordinationClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CoordinationClient.class);

  /** What the client asks of the orchestrator it belongs to. Called on gRPC threads; must not block long. */
  public interface Handler {
    SubOrchestratorDescriptor descriptor();

    LoadMetrics load();

    /** This instance's shared state for the notified sync point. */
    SharedState sharedState(SyncNotify notify);

    /** A cross-orchestrator message relayed by the master (delivered once, in order). */
    default void onMessage(CrossOrchestratorMessage message) {}

    /** The live peers and their addresses changed. */
    default void onPeers(Map<String, String> peerAddresses) {}

    /** A sync point was released (delivered once, in order); the client keeps nothing of it. */
    default void onRelease(SyncRelease release) {}

    /**
     * The instance became registered with a master (true: it answered Registered on an open
     * stream) or stopped being so (false: the stream ended or the client closed). Called on the
     * thread that saw the change, outside the client's lock; a sub-orchestrator's grpc.health
     * follows it.
     */
    default void onRegistration(boolean registered) {}

    /**
     * Adds the executions this instance holds ({@code held_executions}, {@code held_truncated}) to
     * a Register about to be sent; called before every dial.
     */
    default void addHeldExecutions(Register.Builder register) {}
  }

  /** Leader hints followed at once in a row; past them a hint waits for the backoff. */
  static final int MAX_FREE_HINTS = 3;

  /**
   * @param masters the candidate addresses of the master's Coordination service, asked before
   *     every dial ({@link MasterLocator})
   * @param heartbeatInterval used until the master's Registered names its own
   * @param initialBackoff first reconnect delay (before jitter), default 100 ms
   * @param maxBackoff cap of the reconnect delay, default 1 s: a redial costs the master one
   *     refused TCP connection, so a low cap is cheap and finds a restarted or new master fast
   * @param bufferCapacity most frames kept unacknowledged (default {@value #DEFAULT_BUFFER_CAPACITY})
   * @param sendTimeout how long {@link #send} waits for room in a full buffer before failing
   */
  public record Settings(
      MasterLocator masters, String instanceId, Duration heartbeatInterval, Duration initialBackoff,
      Duration maxBackoff, int bufferCapacity, Duration sendTimeout) {
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(1);
    public static final int DEFAULT_BUFFER_CAPACITY = 1024;
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(5);

    public Settings {
      Objects.requireNonNull(masters, "masters");
      Objects.requireNonNull(instanceId, "instanceId");
      if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
        throw new IllegalArgumentException("heartbeatInterval: " + heartbeatInterval + " (expected: > 0)");
      }
      new Backoff(initialBackoff, maxBackoff, new Random(0));
      if (bufferCapacity < 1) {
        throw new IllegalArgumentException("bufferCapacity: " + bufferCapacity + " (expected: >= 1)");
      }
      if (sendTimeout.isNegative()) {
        throw new IllegalArgumentException("sendTimeout: " + sendTimeout + " (expected: >= 0)");
      }
    }

    public Settings(
        MasterLocator masters, String instanceId, Duration heartbeatInterval, Duration initialBackoff, Duration maxBackoff) {
      this(masters, instanceId, heartbeatInterval, initialBackoff, maxBackoff, DEFAULT_BUFFER_CAPACITY,
          DEFAULT_SEND_TIMEOUT);
    }

    /** A master at a fixed address. */
    public Settings(
        String masterAddress, String instanceId, Duration heartbeatInterval, Duration initialBackoff, Duration maxBackoff) {
      this(MasterLocator.fixed(List.of(Objects.requireNonNull(masterAddress, "masterAddress"))), instanceId,
          heartbeatInterval, initialBackoff, maxBackoff);
    }

    public static Settings of(String masterAddress, String instanceId, Duration heartbeatInterval) {
      return new Settings(masterAddress, instanceId, heartbeatInterval, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF);
    }

    /** Masters found anew before each dial: a list tried in turn, or Consul. */
    public static Settings of(MasterLocator masters, String instanceId, Duration heartbeatInterval) {
      return new Settings(masters, instanceId, heartbeatInterval, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF);
    }

    public Settings withBuffer(int capacity, Duration timeout) {
      return new Settings(masters, instanceId, heartbeatInterval, initialBackoff, maxBackoff, capacity, timeout);
    }
  }

  private final Settings settings;
  private final Handler handler;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Backoff backoff;
  private final Outbox<CoordinateRequest> outbox;
  private final InboundSequence inbound = new InboundSequence();
  /** Held while a received frame is judged and handled, so frames are handled one at a time, in order. */
  private final Object receiving = new Object();

  // Guarded by this.
  private ManagedChannel channel;
  private String target = "";
  private Stream current;
  private int failures;
  /** The last stream ended before Registered: the next dial tries the next candidate. */
  private boolean rotate;
  /** A standby's leader hint, dialled next (then cleared). */
  private String hint;
  private int hintsInARow;
  private boolean closed;
  private Registered registered;
  private int registrations;
  private int resumptions;
  private String sessionId = "";
  private final Set<String> subscriptions = new LinkedHashSet<>();

  /** How the master is dialled (default plaintext); set before {@link #start()}. */
  private volatile dev.baton.runtime.security.ClientSecurity security =
      dev.baton.runtime.security.ClientSecurity.plaintext();

  /** Dials the master with {@code security} (TLS, a token) instead of plaintext; call before {@link #start()}. */
  public CoordinationClient security(dev.baton.runtime.security.ClientSecurity security) {
    this.security = Objects.requireNonNull(security, "security");
    return this;
  }

  public CoordinationClient(
      Settings settings, Handler handler, ScheduledExecutorService scheduler, Clock clock, Random random) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff(), random);
    this.outbox = new Outbox<>(settings.bufferCapacity(), true);
  }

  /** Dials the master; returns at once. */
  public void start() {
    connect();
  }

  /**
   * Sends a cross-orchestrator message to the master (which handles or relays it), once and in order
   * even across reconnections. Waits up to the send timeout while the buffer is full.
   *
   * @throws BatonException RESOURCE_EXHAUSTED when the buffer stayed full (the master is not reading)
   */
  public void send(CrossOrchestratorMessage message) {
    offerBlocking(CoordinateRequest.newBuilder().setMessage(message).build(), "message '" + message.getPayload().getSubject() + "'");
  }

  /** Adds subjects this instance receives when a peer publishes them; kept across reconnections. */
  public void subscribe(Collection<String> subjects) {
    subjects.forEach(Subjects::validate);
    synchronized (this) {
      subscriptions.addAll(subjects);
    }
    offerBlocking(CoordinateRequest.newBuilder().setSubscribe(Subscribe.newBuilder().addAllSubjects(subjects)).build(),
        "subscription " + subjects);
  }

  private void offerBlocking(CoordinateRequest frame, String what) {
    boolean queued;
    try {
      queued = outbox.offer(frame, settings.sendTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw BatonException.unavailable("interrupted while sending " + what + " to the master");
    }
    if (!queued) {
      throw new BatonException(Status.Code.RESOURCE_EXHAUSTED, "cannot send " + what + ": "
          + outbox.capacity() + " frames to master " + describeMaster() + " are unacknowledged after "
          + settings.sendTimeout().toMillis() + " ms (the master is not reading; retry later)");
    }
  }

  /** True while a stream is open and the master has answered Registered on it. */
  public synchronized boolean registered() {
    return current != null && current.registered;
  }

  /**
   * Sends a heartbeat now, on the scheduler, rather than at the next interval: a change the master
   * must see at once (this instance started draining) travels in it. Dropped, like any heartbeat,
   * when no registered stream is ready; the periodic ones carry it again.
   */
  public void heartbeatNow() {
    Stream s;
    synchronized (this) {
      s = current != null && current.registered ? current : null;
    }
    if (s != null) {
      scheduler.execute(s::heartbeat);
    }
  }

  /** The master's last Registered answer (its id, the live peers), if any. */
  public synchronized Optional<Registered> lastRegistered() {
    return Optional.ofNullable(registered);
  }

  /** How many times the master has answered Registered (1 + the successful reconnections). */
  public synchronized int registrations() {
    return registrations;
  }

  /** How many of those registrations resumed the session rather than starting a new one. */
  public synchronized int resumptions() {
    return resumptions;
  }

  public synchronized String sessionId() {
    return sessionId;
  }

  /** Frames held for the master now (unacknowledged or unwritten); never above the buffer capacity. */
  public int buffered() {
    return outbox.size();
  }


  /** Dials that failed since the last registration (0 while registered). */
  public synchronized int failedDials() {
    return failures;
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
    // Outside the lock: with Consul the locator asks the agent.
    String address = nextAddress();
    Stream stream;
    ManagedChannel dial;
    String session;
    synchronized (this) {
      if (closed) {
        return;
      }
      stream = new Stream();
      current = stream;
      dial = address == null ? null : channelTo(address);
      session = sessionId;
    }
    if (dial == null) {
      streamEnded(stream, new IllegalStateException("no master address known yet"));
      return;
    }
    try {
      Register.Builder register = Register.newBuilder().setOrchestrator(handler.descriptor())
          .setSessionId(session).setLastReceivedSeq(inbound.last()).setProtocol(1);
      handler.addHeldExecutions(register);
      CoordinationGrpc.newStub(dial).coordinate(stream);
      stream.write(0, CoordinateRequest.newBuilder().setRegister(register).build());
      stream.scheduleHeartbeats(settings.heartbeatInterval());
    } catch (RuntimeException e) {
      stream.onError(e);
    }
  }

  /**
   * The address to dial: a pending leader hint, else the candidate after the last one when the last
   * stream ended unregistered, else the last one while it is still a candidate, else the first.
   */
  private String nextAddress() {
    String hinted;
    String last;
    boolean advance;
    synchronized (this) {
      hinted = hint;
      hint = null;
      last = target;
      advance = rotate;
    }
    if (hinted != null) {
      return hinted;
    }
    List<String> candidates;
    try {
      candidates = settings.masters().candidates().stream().filter(a -> a != null && !a.isBlank()).toList();
    } catch (RuntimeException e) {
      log.debug("cannot find the master's address", e);
      return null;
    }
    if (candidates.isEmpty()) {
      return null;
    }
    int at = candidates.indexOf(last);
    if (at < 0) {
      return candidates.get(0);
    }
    return advance ? candidates.get((at + 1) % candidates.size()) : last;
  }

  /**
   * The channel to {@code address}, replacing one to another address. Its connection backoff is
   * reset: grpc-java's grows to two minutes while the master is down, and a call on a channel in
   * that backoff fails at once without dialling, which is what made reconnecting take 12-16 s.
   */
  private ManagedChannel channelTo(String address) {
    if (channel != null && address.equals(target)) {
      channel.resetConnectBackoff();
      return channel;
    }
    if (channel != null) {
      log.info("dialling master at {} (was {})", address, target);
      channel.shutdownNow();
    }
    target = address;
    channel = security.nettyBuilder(address).build();
    return channel;
  }

  private void streamEnded(Stream stream, Throwable error) {
    Duration delay;
    int failure;
    boolean freeHint = false;
    boolean wasRegistered;
    String leader = error == null ? null : LeaderHint.from(error).orElse(null);
    synchronized (this) {
      if (closed || current != stream) {
        return;
      }
      current = null;
      failure = failures++;
      rotate = !stream.registered;
      wasRegistered = stream.registered;
      if (leader != null && !leader.equals(target)) {
        hint = leader;
        freeHint = hintsInARow++ < MAX_FREE_HINTS;
        delay = freeHint ? Duration.ZERO : backoff.delay(failure);
      } else {
        delay = backoff.delay(failure);
      }
    }
    outbox.detach(stream);
    if (wasRegistered) {
      handler.onRegistration(false);
    }
    if (freeHint) {
      log.info("master at {} is a standby; dialling the leader it names at {}", describeMaster(), leader);
    } else if (leader != null) {
      log.debug("master at {} is a standby naming {} again; dialling it after the backoff", describeMaster(), leader);
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
    List<String> subjects;
    synchronized (this) {
      if (current != stream) {
        return;
      }
      stream.registered = true;
      registered = answer;
      registrations++;
      failures = 0;
      hintsInARow = 0;
      rotate = false;
      boolean resumed = answer.getResumed() && answer.getSessionId().equals(sessionId);
      if (resumed) {
        resumptions++;
      } else {
        // A new session: the master kept nothing of the old one (it restarted, or dropped the
        // session when its buffer overflowed), so the old session's frames are meaningless to it.
        if (!sessionId.isEmpty() && outbox.size() > 0) {
          log.warn("master {} started a new session; {} unacknowledged frame(s) of session {} are dropped",
              answer.getMasterId(), outbox.size(), sessionId);
        }
        if (!sessionId.isEmpty()) {
          // Before the first session nothing was written: what is queued already numbers from 1.
          outbox.reset();
        }
        inbound.reset();
        sessionId = answer.getSessionId();
      }
      subjects = resumed ? List.of() : List.copyOf(subscriptions);
    }
    log.info("{} with master {} at {} ({} peer(s))", answer.getResumed() ? "resumed session" : "registered",
        answer.getMasterId(), masterAddress(), answer.getPeersCount());
    outbox.attach(stream, answer.getLastReceivedSeq(), null);
    if (!subjects.isEmpty()) {
      outbox.offer(CoordinateRequest.newBuilder().setSubscribe(Subscribe.newBuilder().addAllSubjects(subjects)).build());
    }
    handler.onPeers(answer.getPeerAddressesMap());
    handler.onRegistration(true);
    if (answer.getHeartbeatIntervalMs() > 0) {
      stream.scheduleHeartbeats(Duration.ofMillis(answer.getHeartbeatIntervalMs()));
    }
  }

  private void onSyncNotify(SyncNotify notify) {
    SharedState state = handler.sharedState(notify);
    log.info("sync point '{}' of plan {} reached; arriving with {} document(s) and {} task(s)",
        notify.getSyncPoint(), notify.getPlanId(), state.getDocumentsCount(), state.getCompletedTasksCount());
    CoordinateRequest arrival = CoordinateRequest.newBuilder()
        .setSyncArrival(SyncArrival.newBuilder()
            .setPlanId(notify.getPlanId())
            .setSyncPoint(notify.getSyncPoint())
            .setState(state))
        .build();
    // On a gRPC thread: never block. A full buffer means the master has not read for a long time.
    if (!outbox.offer(arrival)) {
      log.warn("dropping the arrival at sync point '{}': {} frames to master {} are unacknowledged",
          notify.getSyncPoint(), outbox.capacity(), describeMaster());
    }
  }

  private void record(SyncRelease release) {
    log.info("sync point '{}' of plan {} released", release.getSyncPoint(), release.getPlanId());
    handler.onRelease(release);
  }

  private void record(CrossOrchestratorMessage message) {
    log.debug("{} message from {}: {}", message.getType(), message.getFromOrchestrator(), message.getPayload().getSubject());
    handler.onMessage(message);
  }

  /** One attempt at the stream; a new one replaces it after it breaks. */
  private final class Stream implements ClientResponseObserver<CoordinateRequest, CoordinateResponse>,
      Outbox.Writer<CoordinateRequest> {
    private ClientCallStreamObserver<CoordinateRequest> requests;
    private ScheduledFuture<?> heartbeats;
    private boolean ended;
    private boolean ackOwed;
    volatile boolean registered;

    @Override
    public void beforeStart(ClientCallStreamObserver<CoordinateRequest> requestStream) {
      this.requests = requestStream;
      requestStream.setOnReadyHandler(this::onReady);
    }

    private void onReady() {
      if (!registered) {
        return;
      }
      outbox.flush();
      sendAckIfOwed();
    }

    @Override
    public synchronized boolean isReady() {
      return !ended && requests != null && requests.isReady();
    }

    /** Writes one frame stamped with its sequence number and our cumulative ack. */
    @Override
    public synchronized void write(long seq, CoordinateRequest frame) {
      if (ended) {
        throw new IllegalStateException("stream ended");
      }
      requests.onNext(frame.toBuilder().setSeq(seq).setAck(inbound.last()).build());
      ackOwed = false;
    }

    private void sendAckIfOwed() {
      synchronized (this) {
        if (!ackOwed || ended || !requests.isReady()) {
          return;
        }
      }
      if (!outbox.hasUnwritten()) {
        try {
          write(0, CoordinateRequest.newBuilder().setAckOnly(Ack.getDefaultInstance()).build());
        } catch (RuntimeException e) {
          log.debug("cannot acknowledge on a broken coordination stream", e);
        }
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
      if (!isReady()) {
        return; // droppable: the next one supersedes it
      }
      Instant now = clock.instant();
      try {
        write(0, CoordinateRequest.newBuilder()
            .setHeartbeat(Heartbeat.newBuilder()
                .setInstanceId(settings.instanceId())
                .setLoad(handler.load())
                .setTime(Messages.timestamp(now)))
            .build());
      } catch (RuntimeException e) {
        log.debug("dropping a heartbeat on a broken coordination stream", e);
      }
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
      if (response.getAck() > 0) {
        outbox.acknowledge(response.getAck());
      }
      if (response.hasRegistered()) {
        onRegistered(this, response.getRegistered());
        return;
      }
      synchronized (receiving) {
        switch (inbound.accept(response.getSeq())) {
          case DUPLICATE -> {
            log.debug("dropping duplicate frame {} from the master", response.getSeq());
            return;
          }
          case GAP -> {
            log.warn("frame {} from the master after {}: a frame is missing; reconnecting",
                response.getSeq(), inbound.last());
            onError(Status.DATA_LOSS.withDescription("sequence gap").asRuntimeException());
            return;
          }
          case DELIVER -> handle(response);
        }
      }
      if (response.getSeq() > 0) {
        synchronized (this) {
          ackOwed = true;
        }
        sendAckIfOwed();
      }
    }

    private void handle(CoordinateResponse response) {
      switch (response.getBodyCase()) {
        case SYNC_NOTIFY -> onSyncNotify(response.getSyncNotify());
        case SYNC_RELEASE -> record(response.getSyncRelease());
        case MESSAGE -> record(response.getMessage());
        case PEERS -> handler.onPeers(response.getPeers().getPeerAddressesMap());
        default -> { }
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

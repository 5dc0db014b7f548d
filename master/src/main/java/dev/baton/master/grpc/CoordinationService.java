package dev.baton.master.grpc;

import com.google.protobuf.Struct;
import dev.baton.master.engine.Engine;
import dev.baton.master.registry.ExecutionReports;
import dev.baton.master.registry.Instance;
import dev.baton.master.registry.Registry;
import dev.baton.runtime.coordination.Correlator;
import dev.baton.runtime.coordination.Messages;
import dev.baton.runtime.coordination.Messenger;
import dev.baton.runtime.coordination.Outbox;
import dev.baton.runtime.server.BatonException;
import dev.baton.v1.Ack;
import dev.baton.v1.CoordinateRequest;
import dev.baton.v1.CoordinateResponse;
import dev.baton.v1.CoordinationGrpc;
import dev.baton.v1.CrossOrchestratorMessage;
import dev.baton.v1.Peers;
import dev.baton.v1.Register;
import dev.baton.v1.Registered;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code baton.v1.Coordination}: each sub-orchestrator's long-lived session (docs/coordination-protocol.md).
 * Register (first frame) enters the instance into the registry, starts or resumes its session and
 * hands the executions the instance holds to {@link ExecutionReports}; heartbeats keep it alive; SyncArrivals go to the engine; cross-orchestrator messages are relayed
 * to the instance, domain or subscribers they name. The stream's end takes the instance offline, but
 * its session waits {@link Settings#sessionTtl} for the instance to resume it.
 */
public final class CoordinationService extends CoordinationGrpc.CoordinationImplBase {
  private static final Logger log = LoggerFactory.getLogger(CoordinationService.class);

  /**
   * @param bufferCapacity frames kept per session until acknowledged (default 1024); a session whose
   *     buffer is full is reset
   * @param sessionTtl how long a session whose stream ended can still be resumed (default 2 min)
   */
  public record Settings(int bufferCapacity, Duration sessionTtl) {
    public static final int DEFAULT_BUFFER_CAPACITY = 1024;
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofMinutes(2);
    public static final Settings DEFAULTS = new Settings(DEFAULT_BUFFER_CAPACITY, DEFAULT_SESSION_TTL);

    public Settings {
      if (bufferCapacity < 1) {
        throw new IllegalArgumentException("bufferCapacity: " + bufferCapacity + " (expected: >= 1)");
      }
      if (sessionTtl.isNegative()) {
        throw new IllegalArgumentException("sessionTtl: " + sessionTtl + " (expected: >= 0)");
      }
    }
  }

  private final Registry registry;
  private final Engine engine;
  private final ExecutionReports reports;
  private final String masterId;
  private final Duration heartbeatInterval;
  private final Settings settings;
  private final Clock clock;
  private final Correlator correlator;
  private final Map<String, CoordinateSession> sessions = new ConcurrentHashMap<>();
  private final List<Messenger.Listener> listeners = new CopyOnWriteArrayList<>();

  public CoordinationService(Registry registry, Engine engine, String masterId, Duration heartbeatInterval) {
    this(registry, engine, masterId, heartbeatInterval, Settings.DEFAULTS, timeoutScheduler(), Clock.systemUTC());
  }

  public CoordinationService(Registry registry, Engine engine, String masterId, Duration heartbeatInterval,
      Settings settings, ScheduledExecutorService scheduler, Clock clock) {
    this(registry, engine, ExecutionReports.NONE, masterId, heartbeatInterval, settings, scheduler, clock);
  }

  /** @param reports hears the executions each instance holds when it registers */
  public CoordinationService(Registry registry, Engine engine, ExecutionReports reports, String masterId,
      Duration heartbeatInterval, Settings settings, ScheduledExecutorService scheduler, Clock clock) {
    this.registry = registry;
    this.engine = engine;
    this.reports = java.util.Objects.requireNonNull(reports, "reports");
    this.masterId = masterId;
    this.heartbeatInterval = heartbeatInterval;
    this.settings = settings;
    this.clock = clock;
    this.correlator = new Correlator(scheduler);
    registry.addListener(this::peersChanged);
  }

  private static ScheduledExecutorService timeoutScheduler() {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "baton-coordination-timeouts");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public StreamObserver<CoordinateRequest> coordinate(StreamObserver<CoordinateResponse> responses) {
    ServerCallStreamObserver<CoordinateResponse> out = (ServerCallStreamObserver<CoordinateResponse>) responses;
    Stream stream = new Stream(out);
    out.setOnCancelHandler(stream::ended);
    out.setOnReadyHandler(stream::onReady);
    return stream;
  }

  /** Sends a message from the master to the instance, domain or subscribers it names. */
  public void send(CrossOrchestratorMessage message) {
    route(stamp(message), null);
  }

  /** Sends a request from the master; completes with the response or fails DEADLINE_EXCEEDED after {@code timeout}. */
  public CompletableFuture<CrossOrchestratorMessage> request(CrossOrchestratorMessage message, Duration timeout) {
    CrossOrchestratorMessage m = stamp(message).toBuilder()
        .setPayload(message.getPayload().toBuilder().setRequiresResponse(true)
            .setTimeoutSeconds((int) Math.max(1, (timeout.toMillis() + 999) / 1000)))
        .build();
    CompletableFuture<CrossOrchestratorMessage> response = correlator.expect(m, timeout);
    route(m, null);
    return response;
  }

  /** Receives the messages addressed to the master; the first non-null answer responds to a request. */
  public void addListener(Messenger.Listener listener) {
    listeners.add(listener);
  }

  /** Frames held for the instance (unacknowledged or unwritten), 0 when it has no session. */
  public int buffered(String instanceId) {
    CoordinateSession s = sessions.get(instanceId);
    return s == null ? 0 : s.outbox.size();
  }

  /** The most frames its current session ever held. */
  public int highWater(String instanceId) {
    CoordinateSession s = sessions.get(instanceId);
    return s == null ? 0 : s.outbox.highWater();
  }

  /** The id of the instance's current session. */
  public Optional<String> sessionId(String instanceId) {
    return Optional.ofNullable(sessions.get(instanceId)).map(s -> s.id);
  }

  private CrossOrchestratorMessage stamp(CrossOrchestratorMessage m) {
    CrossOrchestratorMessage.Builder b = m.toBuilder().setFromOrchestrator(Messages.MASTER);
    if (b.getCorrelationId().isEmpty()) {
      b.setCorrelationId(java.util.UUID.randomUUID().toString());
    }
    if (!b.hasTimestamp()) {
      b.setTimestamp(Messages.timestamp(clock.instant()));
    }
    return b.build();
  }

  /** Whether the instance's session has subscribed to {@code subject} (tests wait on it). */
  boolean subscribes(String instanceId, String subject) {
    CoordinateSession s = sessions.get(instanceId);
    return s != null && s.subscribed(subject);
  }

  /** Delivers {@code m}; {@code from} is the sender's session, null when the master sends. */
  private void route(CrossOrchestratorMessage m, CoordinateSession from) {
    String to = m.getToOrchestrator();
    if (to.equals(Messages.MASTER) || to.equals(masterId)) {
      toMaster(m, from);
      return;
    }
    CrossOrchestratorMessage relayed = m.toBuilder().setRelayedBy(masterId).build();
    CoordinateResponse frame = CoordinateResponse.newBuilder().setMessage(relayed).build();
    int delivered = 0;
    if (to.isEmpty()) {
      for (CoordinateSession s : sessions.values()) {
        if (s != from && s.subscribed(m.getPayload().getSubject())) {
          s.send(frame);
          delivered++;
        }
      }
    } else if (sessions.containsKey(to)) {
      // Live, or cut and expected to resume: the frame waits in the session for it.
      sessions.get(to).send(frame);
      delivered++;
    } else {
      for (Instance i : registry.healthy(to)) {
        CoordinateSession s = sessions.get(i.id());
        if (s != null && s != from) {
          s.send(frame);
          delivered++;
        }
      }
    }
    if (delivered == 0) {
      String why = to.isEmpty()
          ? "no orchestrator subscribes to '" + m.getPayload().getSubject() + "'"
          : "no orchestrator '" + to + "' is connected to master " + masterId;
      log.debug("undeliverable {} from {}: {}", Messages.typeWord(m.getType()), m.getFromOrchestrator(), why);
      if (m.getPayload().getRequiresResponse() && !m.getResponse()) {
        toSender(Messages.errorResponse(m, masterId, why, clock), from);
      }
    }
  }

  private void toMaster(CrossOrchestratorMessage m, CoordinateSession from) {
    if (m.getResponse()) {
      correlator.complete(m);
      return;
    }
    Struct answer = null;
    for (Messenger.Listener l : listeners) {
      Struct r = l.onMessage(m);
      if (answer == null) {
        answer = r;
      }
    }
    if (m.getPayload().getRequiresResponse()) {
      toSender(listeners.isEmpty()
          ? Messages.errorResponse(m, masterId, "master " + masterId + " answers no '" + m.getPayload().getSubject() + "'", clock)
          : Messages.response(m, masterId, answer, clock), from);
    }
  }

  private void toSender(CrossOrchestratorMessage response, CoordinateSession from) {
    if (from == null) {
      correlator.complete(response);
    } else {
      from.send(CoordinateResponse.newBuilder().setMessage(response).build());
    }
  }

  /** The live peers changed: tell every protocol-1 session that has a stream. */
  private void peersChanged() {
    CoordinateResponse frame = CoordinateResponse.newBuilder()
        .setPeers(Peers.newBuilder().putAllPeerAddresses(peerAddresses(""))).build();
    for (CoordinateSession s : sessions.values()) {
      if (!s.legacy && !s.detachedBefore(Instant.MAX)) {
        s.send(frame);
      }
    }
  }

  private Map<String, String> peerAddresses(String except) {
    Map<String, String> peers = new TreeMap<>();
    for (Instance i : registry.instances()) {
      if (i.healthy() && !i.id().equals(except) && !i.address().isEmpty()) {
        peers.put(i.id(), i.address());
      }
    }
    return peers;
  }

  /**
   * Ends every open Coordinate stream with {@code status} and forgets the sessions. A master that
   * stops leading calls it: its sub-orchestrators' registrations, heartbeats and sync arrivals are
   * of use to the leader only, and a stream it keeps open (a paused leader's, whose connections
   * survived the pause) would hold an instance away from the leader's sync points. The instance
   * dials again, is refused here (a standby, naming the leader) and registers with the leader.
   */
  public void endStreams(StatusRuntimeException status) {
    sessions.clear();
    for (Stream st : List.copyOf(open)) {
      st.fail(status);
    }
  }

  /** The session's buffer is full: the instance is not reading. Drop it; the instance starts anew. */
  private void overflow(CoordinateSession s) {
    if (!sessions.remove(s.instanceId, s)) {
      return;
    }
    log.warn("coordination buffer of {} is full ({} unacknowledged frames): resetting its session",
        s.instanceId, s.outbox.capacity());
    for (Stream st : streamsOf(s)) {
      st.fail(Status.RESOURCE_EXHAUSTED.withDescription(s.outbox.capacity()
          + " frames to " + s.instanceId + " are unacknowledged: session reset; register again"));
    }
  }

  private final List<Stream> open = new CopyOnWriteArrayList<>();

  private List<Stream> streamsOf(CoordinateSession s) {
    List<Stream> found = new ArrayList<>();
    for (Stream st : open) {
      if (st.session == s) {
        found.add(st);
      }
    }
    return found;
  }

  private void prune() {
    Instant before = clock.instant().minus(settings.sessionTtl());
    sessions.values().removeIf(s -> s.detachedBefore(before));
  }

  private final class Stream implements StreamObserver<CoordinateRequest>, Outbox.Writer<CoordinateResponse> {
    private final ServerCallStreamObserver<CoordinateResponse> out;
    volatile CoordinateSession session;
    private volatile String instanceId;
    private volatile long token;
    private boolean closed;
    private volatile boolean ackOwed;

    /** Who opened the stream (its certificate's identity), fixed for the stream's life. */
    private final dev.baton.runtime.security.Principal caller = dev.baton.runtime.security.Principal.current();

    Stream(ServerCallStreamObserver<CoordinateResponse> out) {
      this.out = out;
      open.add(this);
    }

    @Override
    public synchronized boolean isReady() {
      return !closed && !out.isCancelled() && out.isReady();
    }

    /** Frames go down from the scheduler's thread and from other streams': one at a time, stamped. */
    @Override
    public synchronized void write(long seq, CoordinateResponse frame) {
      if (closed || out.isCancelled()) {
        throw new IllegalStateException("stream to " + instanceId + " is closed");
      }
      CoordinateSession s = session;
      boolean stamp = s != null && !s.legacy;
      out.onNext(stamp ? frame.toBuilder().setSeq(seq).setAck(s.inbound.last()).build() : frame);
      ackOwed = false;
    }

    void onReady() {
      CoordinateSession s = session;
      if (s != null) {
        s.outbox.flush();
        ackIfOwed(s);
      }
    }

    private void ackIfOwed(CoordinateSession s) {
      if (ackOwed && !s.outbox.hasUnwritten()) {
        s.outbox.writeUnsequenced(CoordinateResponse.newBuilder().setAckOnly(Ack.getDefaultInstance()).build());
      }
    }

    @Override
    public void onNext(CoordinateRequest request) {
      CoordinateSession s = session;
      if (request.hasRegister()) {
        register(request.getRegister());
        return;
      }
      if (s == null) {
        fail(Status.FAILED_PRECONDITION.withDescription(
            request.getBodyCase() + " before Register: send Register first"));
        return;
      }
      if (request.getAck() > 0) {
        s.outbox.acknowledge(request.getAck());
      }
      synchronized (s.receiving) {
        switch (s.inbound.accept(request.getSeq())) {
          case DUPLICATE -> {
            return;
          }
          case GAP -> {
            fail(Status.DATA_LOSS.withDescription("frame " + request.getSeq() + " after " + s.inbound.last()
                + ": a frame is missing; register again"));
            return;
          }
          case DELIVER -> handle(s, request);
        }
      }
      if (request.getSeq() > 0) {
        ackOwed = true;
        ackIfOwed(s);
      }
    }

    private void handle(CoordinateSession s, CoordinateRequest request) {
      switch (request.getBodyCase()) {
        case HEARTBEAT -> {
          var h = request.getHeartbeat();
          Instant sent = h.hasTime() ? MasterMapper.instant(h.getTime()) : null;
          registry.heartbeat(instanceId, h.getLoad(), sent);
        }
        case SYNC_ARRIVAL -> engine.onSyncArrival(instanceId, request.getSyncArrival());
        case MESSAGE -> route(request.getMessage().toBuilder().setFromOrchestrator(instanceId).build(), s);
        case SUBSCRIBE -> s.subscriptions.addAll(request.getSubscribe().getSubjectsList());
        default -> { }
      }
    }

    /**
     * Why this stream's caller may not register for {@code domain}, or null: an orchestrator's
     * certificate names the one domain it serves (an open server trusts every caller).
     */
    private String refusedIdentity(String domain) {
      if (caller.source() == dev.baton.runtime.security.Principal.Source.OPEN) {
        return null;
      }
      if (!caller.has(dev.baton.runtime.security.Role.ORCHESTRATOR) || caller.domain().isEmpty()) {
        return caller.display() + " is not an orchestrator identity (expected a certificate naming"
            + " spiffe://<trust domain>/orchestrator/<domain>)";
      }
      if (!caller.domain().equals(domain)) {
        return caller.display() + " may register only for domain " + caller.domain() + ", not " + domain;
      }
      return null;
    }

    private void register(Register r) {
      var d = r.getOrchestrator();
      try {
        // Sizes were checked by the server's BoundsInterceptor; here what they must mean.
        dev.baton.runtime.limits.RegisterCheck.check(d);
      } catch (IllegalArgumentException e) {
        throw BatonException.invalidArgument("Register." + e.getMessage());
      }
      if (instanceId != null && !instanceId.equals(d.getId())) {
        fail(Status.INVALID_ARGUMENT.withDescription("this stream is registered as " + instanceId
            + "; open another stream to register " + d.getId()));
        return;
      }
      String refused = refusedIdentity(d.getSpecialization().getDomain());
      prune();
      CoordinateSession existing = sessions.get(d.getId());
      if (refused == null && existing != null && !existing.owner.equals(caller.subject())) {
        refused = "instance id " + d.getId() + " is registered by " + existing.owner + ", not "
            + caller.display() + " (pick another --id)";
      }
      if (refused != null) {
        dev.baton.runtime.security.auth.Audit.denied("baton.v1.Coordination/Coordinate", caller, "", refused);
        fail(Status.PERMISSION_DENIED.withDescription(refused));
        return;
      }
      boolean resumed = r.getProtocol() >= 1 && existing != null && !r.getSessionId().isEmpty()
          && r.getSessionId().equals(existing.id);
      CoordinateSession s = resumed ? existing
          : new CoordinateSession(d.getId(), r.getProtocol() < 1, settings.bufferCapacity(), CoordinationService.this::overflow,
              caller.subject());
      // Registering first makes a late end of the old stream a no-op (its token is stale).
      long newToken;
      try {
        newToken = registry.register(d, s);
      } catch (IllegalArgumentException e) {
        throw BatonException.invalidArgument(e.getMessage());
      }
      for (Stream old : streamsOf(existing == null ? s : existing)) {
        if (old != this) {
          (existing == null ? s : existing).outbox.detach(old);
          old.abort();
        }
      }
      if (!resumed) {
        sessions.put(d.getId(), s);
      }
      session = s;
      instanceId = d.getId();
      token = newToken;
      s.attached();
      Registered.Builder answer = Registered.newBuilder().setMasterId(masterId)
          .setHeartbeatIntervalMs(heartbeatInterval.toMillis())
          .setSessionId(s.id)
          .setLastReceivedSeq(s.inbound.last())
          .setResumed(resumed)
          .putAllPeerAddresses(peerAddresses(instanceId));
      for (Instance i : registry.instances()) {
        if (i.healthy() && !i.id().equals(instanceId)) {
          answer.addPeers(i.id());
        }
      }
      if (resumed) {
        log.info("{} resumed session {} (re-sending after frame {})", instanceId, s.id, r.getLastReceivedSeq());
      }
      try {
        reports.onExecutionsReported(instanceId, r.getHeldExecutionsList(), r.getHeldTruncated());
      } catch (RuntimeException e) {
        log.error("handling the {} execution(s) {} reported failed", r.getHeldExecutionsCount(), instanceId, e);
      }
      s.outbox.attach(this, resumed ? r.getLastReceivedSeq() : 0,
          CoordinateResponse.newBuilder().setRegistered(answer).build());
      if (!s.legacy) {
        // The answer's peers were read before the Registered frame was queued; a peer registering
        // in between queued its Peers frame ahead of it, and the client would end with the older
        // list. The peers as they are now, after the answer, settle it.
        s.send(CoordinateResponse.newBuilder()
            .setPeers(Peers.newBuilder().putAllPeerAddresses(peerAddresses(""))).build());
      }
    }

    /** A newer stream of the same instance took over. */
    private synchronized void abort() {
      open.remove(this);
      if (!closed) {
        closed = true;
        try {
          out.onError(Status.ABORTED.withDescription("replaced by a newer stream of " + instanceId).asRuntimeException());
        } catch (RuntimeException alreadyGone) {
          log.debug("old stream of {} already gone", instanceId);
        }
      }
    }

    /**
     * Closes the stream with {@code status}. {@link #ended} runs outside this stream's lock: it
     * takes the outbox's, and the outbox's flush takes this one's (isReady, write) the other way round.
     */
    void fail(Status status) {
      fail(status.asRuntimeException());
    }

    void fail(StatusRuntimeException status) {
      synchronized (this) {
        if (!closed) {
          closed = true;
          try {
            out.onError(status);
          } catch (RuntimeException alreadyGone) {
            log.debug("stream of {} already gone", instanceId);
          }
        }
      }
      ended();
    }

    void ended() {
      open.remove(this);
      CoordinateSession s = session;
      if (s != null) {
        s.outbox.detach(this);
        if (!streamsOf(s).iterator().hasNext()) {
          s.detached(clock.instant());
        }
      }
      if (instanceId != null) {
        registry.deregister(instanceId, token);
      }
    }

    @Override
    public void onError(Throwable t) {
      ended();
    }

    @Override
    public void onCompleted() {
      ended(); // outside this stream's lock, as in fail
      synchronized (this) {
        if (!closed) {
          closed = true;
          out.onCompleted();
        }
      }
    }
  }
}

package dev.baton.runtime.coordination;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.Struct;
import dev.baton.runtime.server.BatonException;
import dev.baton.v1.CrossOrchestratorMessage;
import dev.baton.v1.DeliverRequest;
import dev.baton.v1.DeliverResponse;
import dev.baton.v1.PeerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sub-orchestrator's cross-orchestrator messaging: sends the seed's CrossOrchestratorMessage to a
 * peer directly when its address is known (the peer's {@code baton.v1.Peer/Deliver}), else through
 * the master's relay on the Coordinate stream; correlates responses to requests; hands received
 * messages to the listeners of their subject and answers requests with what the listener returns.
 *
 * <p>Routing: a message for a peer instance whose address is known goes direct, with a deadline; if
 * that call fails UNAVAILABLE or UNIMPLEMENTED (the message certainly did not arrive) it goes through
 * the master. A message for "master", for a domain, or with no recipient (published to the
 * subscribers of its subject) always goes through the master. A direct call that fails any other
 * way (e.g. DEADLINE_EXCEEDED, when it may have arrived) fails the send rather than risk a duplicate.
 */
public final class Messenger implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Messenger.class);
  /** Deadline of a direct Deliver call. */
  public static final Duration DEFAULT_DIRECT_DEADLINE = Duration.ofSeconds(2);

  /** Receives messages of a subscribed subject. Runs on the callback executor. */
  @FunctionalInterface
  public interface Listener {
    /** @return the response's content when the message requires a response (null: an empty one) */
    Struct onMessage(CrossOrchestratorMessage message);
  }

  private record Subscription(String pattern, Listener listener) {}

  private final String selfId;
  private final Clock clock;
  private final Executor callbacks;
  private final Duration directDeadline;
  private final Correlator correlator;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final Map<String, String> peers = new ConcurrentHashMap<>();
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final AtomicLong direct = new AtomicLong();
  private final AtomicLong relayed = new AtomicLong();
  private volatile CoordinationClient master;
  private volatile Function<String, String> resolver = id -> null;

  public Messenger(String selfId, Clock clock, ScheduledExecutorService scheduler, Executor callbacks, Duration directDeadline) {
    this.selfId = Objects.requireNonNull(selfId, "selfId");
    this.clock = clock;
    this.callbacks = callbacks;
    this.directDeadline = directDeadline;
    this.correlator = new Correlator(scheduler);
  }

  /** The Coordinate session that relays through the master. */
  public void attach(CoordinationClient client) {
    this.master = client;
  }

  /** Another source of peer addresses (e.g. Consul), asked when the master named none. */
  public void resolver(Function<String, String> addressOfPeer) {
    this.resolver = Objects.requireNonNull(addressOfPeer);
  }

  /** Replaces the known peers (from Registered and Peers frames). */
  public void updatePeers(Map<String, String> addresses) {
    peers.keySet().retainAll(addresses.keySet());
    peers.putAll(addresses);
  }

  /** Sends a message; completes when it was delivered directly or queued for the master's relay. */
  public CompletableFuture<Void> send(CrossOrchestratorMessage message) {
    return route(stamp(message));
  }

  /**
   * Sends a message that requires a response and completes with the response, or fails with
   * DEADLINE_EXCEEDED naming the peer and the subject when none comes within {@code timeout}.
   */
  public CompletableFuture<CrossOrchestratorMessage> request(CrossOrchestratorMessage message, Duration timeout) {
    CrossOrchestratorMessage m = stamp(message).toBuilder()
        .setPayload(message.getPayload().toBuilder().setRequiresResponse(true)
            .setTimeoutSeconds((int) Math.max(1, (timeout.toMillis() + 999) / 1000)))
        .build();
    CompletableFuture<CrossOrchestratorMessage> response = correlator.expect(m, timeout);
    route(m).whenComplete((ok, error) -> {
      if (error != null) {
        correlator.fail(m.getCorrelationId(), error);
      }
    });
    return response;
  }

  /** Calls {@code listener} for each message whose subject matches {@code pattern}; tells the master to fan out to us. */
  public void subscribe(String pattern, Listener listener) {
    Subjects.validate(pattern);
    subscriptions.add(new Subscription(pattern, Objects.requireNonNull(listener)));
    CoordinationClient c = master;
    if (c != null) {
      c.subscribe(List.of(pattern));
    }
  }

  /** The peers whose addresses the master announced, by instance id. */
  public Map<String, String> knownPeers() {
    return Map.copyOf(peers);
  }

  /** Messages sent directly to a peer / through the master so far. */
  public long directCount() {
    return direct.get();
  }

  public long relayedCount() {
    return relayed.get();
  }

  /** A message arrived (relayed by the master, or directly from a peer). */
  public void receive(CrossOrchestratorMessage m) {
    if (m.getResponse()) {
      if (!correlator.complete(m)) {
        log.debug("late or unknown response {} from {}", m.getCorrelationId(), m.getFromOrchestrator());
      }
      return;
    }
    callbacks.execute(() -> dispatch(m));
  }

  private void dispatch(CrossOrchestratorMessage m) {
    String subject = m.getPayload().getSubject();
    Struct answer = null;
    boolean heard = false;
    String failure = null;
    for (Subscription s : subscriptions) {
      if (Subjects.matches(s.pattern(), subject)) {
        heard = true;
        try {
          Struct r = s.listener().onMessage(m);
          if (answer == null) {
            answer = r;
          }
        } catch (RuntimeException e) {
          log.warn("listener for '{}' failed on a message from {}", s.pattern(), m.getFromOrchestrator(), e);
          failure = "listener for '" + s.pattern() + "' at " + selfId + " failed: " + e.getMessage();
        }
      }
    }
    if (!m.getPayload().getRequiresResponse()) {
      return;
    }
    CrossOrchestratorMessage response;
    if (failure != null) {
      response = Messages.errorResponse(m, selfId, failure, clock);
    } else if (!heard) {
      response = Messages.errorResponse(m, selfId, "no listener for subject '" + subject + "' at " + selfId, clock);
    } else {
      response = Messages.response(m, selfId, answer, clock);
    }
    route(response).exceptionally(e -> {
      log.warn("cannot answer {} from {}: {}", m.getCorrelationId(), m.getFromOrchestrator(), e.getMessage());
      return null;
    });
  }

  private CrossOrchestratorMessage stamp(CrossOrchestratorMessage m) {
    CrossOrchestratorMessage.Builder b = m.toBuilder().setFromOrchestrator(selfId);
    if (b.getCorrelationId().isEmpty()) {
      b.setCorrelationId(UUID.randomUUID().toString());
    }
    if (!b.hasTimestamp()) {
      b.setTimestamp(Messages.timestamp(clock.instant()));
    }
    return b.build();
  }

  private CompletableFuture<Void> route(CrossOrchestratorMessage m) {
    String to = m.getToOrchestrator();
    String address = to.isEmpty() || to.equals(selfId) ? null : peers.get(to);
    if (address == null && !to.isEmpty() && !to.equals(Messages.MASTER)) {
      address = resolver.apply(to);
    }
    if (address == null || address.isBlank()) {
      return relay(m);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    var call = PeerGrpc.newFutureStub(channel(address))
        .withDeadlineAfter(directDeadline.toMillis(), TimeUnit.MILLISECONDS)
        .deliver(DeliverRequest.newBuilder().setMessage(m).build());
    String peerAddress = address;
    Futures.addCallback(call, new FutureCallback<DeliverResponse>() {
      @Override
      public void onSuccess(DeliverResponse r) {
        direct.incrementAndGet();
        done.complete(null);
      }

      @Override
      public void onFailure(Throwable t) {
        Status.Code code = Status.fromThrowable(t).getCode();
        if (code == Status.Code.UNAVAILABLE || code == Status.Code.UNIMPLEMENTED) {
          log.debug("no direct route to {} at {} ({}); relaying through the master", to, peerAddress, code);
          // Off the gRPC thread: the relay may wait for room in the stream's buffer.
          callbacks.execute(() -> relay(m).whenComplete((ok, e) -> {
            if (e != null) {
              done.completeExceptionally(e);
            } else {
              done.complete(null);
            }
          }));
        } else {
          done.completeExceptionally(new BatonException(code,
              "direct delivery to " + to + " at " + peerAddress + " failed: " + Status.fromThrowable(t).getDescription()));
        }
      }
    }, MoreExecutors.directExecutor());
    return done;
  }

  private CompletableFuture<Void> relay(CrossOrchestratorMessage m) {
    CoordinationClient c = master;
    if (c == null) {
      return CompletableFuture.failedFuture(BatonException.unavailable("no coordination session to relay through"));
    }
    try {
      c.send(m);
      relayed.incrementAndGet();
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private ManagedChannel channel(String address) {
    return channels.computeIfAbsent(address, a -> security.nettyBuilder(a).build());
  }

  /** How peers are dialled (default plaintext). */
  private volatile dev.baton.runtime.security.ClientSecurity security =
      dev.baton.runtime.security.ClientSecurity.plaintext();

  /** Dials peers with {@code security} instead of plaintext; call before the first delivery. */
  public Messenger security(dev.baton.runtime.security.ClientSecurity security) {
    this.security = java.util.Objects.requireNonNull(security, "security");
    return this;
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}

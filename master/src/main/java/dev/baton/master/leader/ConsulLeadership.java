package dev.baton.master.leader;

import dev.baton.runtime.backoff.Backoff;
import dev.baton.runtime.registry.ConsulClients;
import dev.baton.runtime.registry.ConsulSettings;
import dev.baton.runtime.registry.LeaderKey;
import dev.baton.runtime.registry.ServiceRegistration;
import java.math.BigInteger;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.model.ConsulResponse;
import org.kiwiproject.consul.model.kv.Value;
import org.kiwiproject.consul.option.ConsistencyMode;
import org.kiwiproject.consul.option.ImmutableQueryOptions;
import org.kiwiproject.consul.option.QueryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election through a Consul session and a KV lock: each master holds a session (TTL,
 * lock-delay 0, tied to {@code serfHealth} and its own {@code baton-master} health check, see
 * {@link ConsulLeadershipSettings}) and tries to acquire the leader key with its client address as
 * the value. Standbys wait on the key with blocking queries and try again whenever no session holds
 * it; the leader watches the same key and is deposed as soon as another session holds it, the
 * key's session is gone, or its own session is lost ({@link ConsulSession}). A SIGKILLed leader's
 * health check fails within the check interval, Consul invalidates its session and releases the
 * key, and the standbys' blocking queries return at once.
 *
 * <p>The lock does not guarantee one writer: a session tied only to {@code serfHealth} can be
 * released under a partition while its holder still runs, and a paused holder cannot know it lost
 * the lock. On {@link Leadership.Listener#elected} the master claims a new epoch in the journal,
 * which refuses the appends of any older epoch; the lock only decides who should claim.
 *
 * <p>States: JOINING (no session) -> STANDBY (session, no lock) -> LEADER, and back; CLOSED ends
 * it. Threads: the campaign thread runs the blocking queries and acquisitions; the renewal thread
 * renews the session; the events thread calls the listener, one call at a time in the order of the
 * transitions and never under this object's lock. {@link #resign} and {@link #close} make their
 * Consul calls on the caller's thread, each bounded by the call timeout.
 */
public final class ConsulLeadership implements Leadership {
  private static final Logger log = LoggerFactory.getLogger(ConsulLeadership.class);
  static final Duration MIN_REQUEST_INTERVAL = Duration.ofMillis(50);

  /** Where a campaign stands. */
  public enum State {
    /** No session (starting, or the last one was lost); one is being created. */
    JOINING,
    /** A session that does not hold the lock: waiting on the key. */
    STANDBY,
    /** The session holds the lock. */
    LEADER,
    CLOSED
  }

  private static final Map<State, Set<State>> LEGAL = Map.of(
      State.JOINING, EnumSet.of(State.STANDBY, State.CLOSED),
      State.STANDBY, EnumSet.of(State.LEADER, State.JOINING, State.CLOSED),
      State.LEADER, EnumSet.of(State.STANDBY, State.JOINING, State.CLOSED),
      State.CLOSED, EnumSet.noneOf(State.class));

  private final Consul consul;
  private final ConsulSettings consulSettings;
  private final ConsulLeadershipSettings settings;
  private final String address;
  private final String name;
  private final Backoff backoff;
  private final ScheduledExecutorService renewer;
  private final ExecutorService events;
  private final Thread campaign;
  private final Object wakeup = new Object();

  // Guarded by this.
  private State state = State.JOINING;
  private ConsulSession session;
  private Listener listener;
  private long notBeforeNanos;
  private BigInteger index = BigInteger.ZERO;
  private int failures;
  private boolean renewalsPaused;
  // Read without the lock by leaderAddress().
  private volatile String leader;

  private ConsulLeadership(Consul consul, ConsulSettings consulSettings, ConsulLeadershipSettings settings,
      String address, String name, Random random) {
    this.consul = consul;
    this.consulSettings = consulSettings;
    this.settings = settings;
    this.address = address;
    this.name = name;
    this.backoff = new Backoff(consulSettings.initialBackoff(), consulSettings.maxBackoff(), random);
    this.renewer = Executors.newSingleThreadScheduledExecutor(daemon("consul-session-" + name));
    this.events = Executors.newSingleThreadExecutor(daemon("leadership-events-" + name));
    this.campaign = daemon("consul-leadership-" + name).newThread(this::run);
  }

  /**
   * A campaign for the lock of {@code settings.key()} through the agent of {@code consul}, with its
   * own client (released by {@link #close}). Nothing happens before {@link #start}.
   *
   * @param address this master's client address ({@code host:port}), the key's value while it leads
   * @param name this master's id, for the session's name and the threads'
   */
  public static ConsulLeadership create(ConsulSettings consul, ConsulLeadershipSettings settings, String address,
      String name, Random random) {
    Objects.requireNonNull(consul, "consul");
    Objects.requireNonNull(settings, "settings");
    if (address == null || !address.matches("[^\\s:]+:\\d{1,5}")) {
      throw new IllegalArgumentException("address: '" + address + "' (expected: host:port that sub-orchestrators dial)");
    }
    if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("name: '" + name + "' (expected: [A-Za-z0-9._-]+, the master's id)");
    }
    return new ConsulLeadership(ConsulClients.create(consul), consul, settings, address, name,
        Objects.requireNonNull(random, "random"));
  }

  /**
   * The campaign of the master registered as {@code registration} (its {@code baton-master}
   * service): the session is tied to that registration's checks in {@code consul.checkMode()}, the
   * key's value is its address, the session and threads are named by its id.
   */
  public static ConsulLeadership forMaster(ConsulSettings consul, ServiceRegistration registration,
      ConsulLeadershipSettings.Builder settings, Random random) {
    return create(consul, settings.checks(registration.checkIds(consul.checkMode())).build(), registration.address(),
        registration.id(), random);
  }

  @Override
  public synchronized void start(Listener listener) {
    if (this.listener != null) {
      throw new IllegalStateException("already started");
    }
    this.listener = Objects.requireNonNull(listener, "listener");
    if (state != State.CLOSED) {
      campaign.start();
    }
  }

  @Override
  public Optional<String> leaderAddress() {
    return Optional.ofNullable(leader);
  }

  @Override
  public synchronized boolean isLeader() {
    return state == State.LEADER;
  }

  public synchronized State state() {
    return state;
  }

  /** The id of the current session, empty while joining. */
  public synchronized Optional<String> sessionId() {
    return Optional.ofNullable(session).map(ConsulSession::id);
  }

  /**
   * Releases the lock and destroys the session; after {@code rejoinDelay} the campaign goes on with
   * a new session. A no-op unless this master leads.
   */
  @Override
  public void resign(String why) {
    ConsulSession mine;
    synchronized (this) {
      if (state != State.LEADER) {
        return;
      }
      mine = session;
      session = null;
      notBeforeNanos = System.nanoTime() + settings.rejoinDelay().toNanos();
      move(State.JOINING, "resigned: " + why);
    }
    giveUp(mine);
    wake();
  }

  @Override
  public void close() {
    ConsulSession mine;
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      mine = session;
      session = null;
      move(State.CLOSED, "closed");
    }
    campaign.interrupt();
    wake();
    giveUp(mine);
    renewer.shutdownNow();
    events.shutdown();
    try {
      events.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consul.destroy();
  }

  /** Test hook: stops (or resumes) renewing the session, as a process stuck in a long GC pause would. */
  synchronized void pauseRenewals(boolean pause) {
    renewalsPaused = pause;
    if (session != null) {
      session.pauseRenewals(pause);
    }
  }

  /** Releases the key (if held) and destroys the session, best effort; on the caller's thread. */
  private void giveUp(ConsulSession s) {
    if (s == null) {
      return;
    }
    try {
      consul.keyValueClient().releaseLock(settings.key(), s.id());
    } catch (RuntimeException e) {
      log.warn("could not release {} for session {} ({}); destroying the session releases it", settings.key(),
          s.id(), e.getMessage());
    }
    s.destroy();
  }

  /**
   * The one place the state changes; the listener hears elected on entering LEADER and deposed on
   * leaving it. Called under this object's lock.
   */
  private void move(State to, String why) {
    State from = state;
    if (!LEGAL.get(from).contains(to)) {
      throw new IllegalStateException("leadership of " + name + ": cannot go from " + from + " to " + to
          + " (legal from " + from + ": " + LEGAL.get(from) + ")");
    }
    state = to;
    log.info("{}: {} -> {} ({})", name, from, to, why);
    Listener l = listener;
    if (l == null) {
      return;
    }
    if (to == State.LEADER) {
      post(l::elected);
    } else if (from == State.LEADER) {
      post(() -> l.deposed(why));
    }
  }

  private void post(Runnable callback) {
    try {
      events.execute(() -> {
        try {
          callback.run();
        } catch (RuntimeException e) {
          log.error("leadership listener of {} failed", name, e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException shutDown) {
      log.debug("leadership of {} closed; dropping a callback", name);
    }
  }

  private void sessionLost(ConsulSession lost, String why) {
    synchronized (this) {
      if (session != lost) {
        return;
      }
      session = null;
      if (state == State.STANDBY || state == State.LEADER) {
        move(State.JOINING, why);
      }
    }
    wake();
  }

  private void run() {
    while (!closed()) {
      try {
        step();
        synchronized (this) {
          failures = 0;
        }
      } catch (Exception e) {
        // Exception, not RuntimeException: okhttp (Kotlin) can throw InterruptedException unchecked.
        if (closed()) {
          return;
        }
        int attempt;
        synchronized (this) {
          attempt = failures++;
          index = BigInteger.ZERO;
        }
        if (attempt == 0 && waitingForCheck(e)) {
          log.info("{}: waiting for its health checks {} to pass before campaigning (Consul refuses a session"
              + " tied to a check that is critical or not registered yet)", name, settings.checks());
        } else if (attempt == 0) {
          log.warn("{}: consul campaign step failed ({}); retrying with backoff", name, e.getMessage());
        } else {
          log.debug("{}: consul campaign step failed again ({})", name, e.getMessage(), e);
        }
        pause(backoff.delay(attempt));
      }
    }
  }

  /** One round: a session if none, one (blocking) read of the key, then act on what it says. */
  private void step() {
    ConsulSession s = sessionOrCreate();
    if (s == null) {
      return;
    }
    long started = System.nanoTime();
    BigInteger at;
    synchronized (this) {
      at = index;
    }
    Optional<ConsulResponse<Value>> read = consul.keyValueClient().getConsulResponseWithValue(settings.key(), query(at));
    Optional<Value> value = read.map(ConsulResponse::getResponse);
    Optional<String> holder = value.flatMap(Value::getSession).filter(h -> !h.isBlank());
    leader = LeaderKey.holder(value).orElse(null);
    // A released lock usually means our session was invalidated (a check failed, the TTL ran out):
    // ask, so the next step does not try to take the lock with a dead session.
    if (holder.isEmpty() && isLeader() && gone(s)) {
      sessionLost(s, "session " + s.id() + " was invalidated (a tied health check failed, or its TTL ran out)"
          + " and the lock on " + settings.key() + " released");
      return;
    }
    boolean acquire;
    synchronized (this) {
      index = read.map(r -> nextIndex(at, r.getIndex())).orElse(BigInteger.ZERO);
      if (session != s) {
        return;
      }
      if (state == State.LEADER && !holder.equals(Optional.of(s.id()))) {
        move(State.STANDBY, holder.isPresent()
            ? "the lock on " + settings.key() + " is held by another session (" + holder.get() + ")"
            : "the lock on " + settings.key() + " was released");
      } else if (state == State.STANDBY && holder.equals(Optional.of(s.id()))) {
        move(State.LEADER, "this session holds " + settings.key());
      }
      acquire = state == State.STANDBY && holder.isEmpty() && System.nanoTime() >= notBeforeNanos;
    }
    if (acquire) {
      boolean got;
      try {
        got = consul.keyValueClient().acquireLock(settings.key(), address, s.id());
      } catch (RuntimeException e) {
        // Consul refuses an invalidated session: notice now rather than at the next renewal.
        if (gone(s)) {
          sessionLost(s, "consul no longer knows session " + s.id() + " (a tied health check failed, or it expired)");
        }
        throw e;
      }
      synchronized (this) {
        if (got && session == s && state == State.STANDBY) {
          leader = address;
          move(State.LEADER, "acquired " + settings.key());
        }
        // Read afresh: the key changed (ours), or someone else won, or a lock-delay refused us.
        index = BigInteger.ZERO;
      }
      if (!got) {
        pause(settings.lockDelay().isZero() ? MIN_REQUEST_INTERVAL : settings.lockDelay());
      }
    }
    Duration spent = Duration.ofNanos(System.nanoTime() - started);
    if (spent.compareTo(MIN_REQUEST_INTERVAL) < 0) {
      pause(MIN_REQUEST_INTERVAL.minus(spent));
    }
  }

  /** Consul refused a session because a tied check is critical or not registered (yet). */
  private static boolean waitingForCheck(Exception e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("Missing check") || m.contains("critical state");
  }

  /** Whether Consul no longer knows the session (false when it cannot tell). */
  private boolean gone(ConsulSession s) {
    try {
      return consul.sessionClient().getSessionInfo(s.id()).isEmpty();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The session to campaign with, creating one when joining; null when closed. */
  private ConsulSession sessionOrCreate() {
    synchronized (this) {
      if (state == State.CLOSED) {
        return null;
      }
      if (session != null) {
        return session;
      }
    }
    waitUntilRejoin();
    ConsulSession created = ConsulSession.create(consul, settings, "baton-master " + name, renewer, this::sessionLost);
    synchronized (this) {
      if (state != State.JOINING) {
        // Closed meanwhile.
        created.destroy();
        return null;
      }
      session = created;
      created.pauseRenewals(renewalsPaused);
      index = BigInteger.ZERO;
      move(State.STANDBY, "session " + created.id() + " created (TTL " + settings.ttl() + ", checks "
          + settings.checks() + ")");
      return created;
    }
  }

  private void waitUntilRejoin() {
    long wait;
    synchronized (this) {
      wait = notBeforeNanos - System.nanoTime();
    }
    if (wait > 0) {
      pause(Duration.ofNanos(wait));
    }
  }

  private QueryOptions query(BigInteger at) {
    ImmutableQueryOptions.Builder q = ImmutableQueryOptions.builder().consistencyMode(ConsistencyMode.CONSISTENT);
    if (at.signum() > 0) {
      q.wait(consulSettings.watchWait().toSeconds() + "s").index(at);
    }
    return q.build();
  }

  /** Consul's rules for blocking indexes: reset when it goes backwards, never below 1. */
  static BigInteger nextIndex(BigInteger previous, BigInteger returned) {
    if (returned == null || returned.compareTo(previous) < 0) {
      return BigInteger.ZERO;
    }
    return returned.signum() <= 0 ? BigInteger.ONE : returned;
  }

  private synchronized boolean closed() {
    return state == State.CLOSED;
  }

  private void wake() {
    synchronized (wakeup) {
      wakeup.notifyAll();
    }
  }

  private void pause(Duration d) {
    long deadline = System.nanoTime() + d.toNanos();
    synchronized (wakeup) {
      long left;
      while (!closed() && (left = deadline - System.nanoTime()) > 0) {
        try {
          wakeup.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          if (closed()) {
            return;
          }
        }
      }
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String threadName) {
    return r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    };
  }
}

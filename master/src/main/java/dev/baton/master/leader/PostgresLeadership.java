package dev.baton.master.leader;

import com.zaxxer.hikari.HikariDataSource;
import dev.baton.master.journal.Journals;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election through PostgreSQL, for masters without Consul: a lease row (holder, address,
 * term, expiry) in the journal's database. Expiry is computed by the database's clock
 * ({@code now()}), so the masters' clocks never matter. The leader renews every TTL/3; standbys
 * try to take the lease every TTL/3 and succeed only once it expired; resigning expires it at once.
 *
 * <p>The lease decides who should lead; the journal's epoch guarantees one writer (see
 * {@link Leadership}). A leader that cannot renew (database unreachable) deposes itself when its
 * lease would have expired, measured from the start of its last successful renewal on the local
 * monotonic clock, so it never believes it leads longer than the database does.
 *
 * <p>Threads: one thread of its own runs every query and calls the listener; public methods only
 * read volatile fields or post to that thread.
 */
public final class PostgresLeadership implements Leadership {
  private static final Logger log = LoggerFactory.getLogger(PostgresLeadership.class);
  /** Default lease time to live. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(3);
  /** The lease row's name: one election per journal database. */
  public static final String LEASE = "baton-master";

  private enum State { NEW, STANDBY, LEADING, CLOSED }

  private final DataSource dataSource;
  private final AutoCloseable ownedPool;
  private final String holder;
  private final String address;
  private final Duration ttl;
  private final ScheduledExecutorService thread;
  private volatile State state = State.NEW;
  private volatile Optional<String> leaderAddress = Optional.empty();
  private volatile boolean paused;
  private Listener listener;
  private long term;
  /** System.nanoTime() past which this master no longer counts as leader without a renewal. */
  private long leaseDeadline;
  /** After resigning, no campaign before this nanoTime, so another master gets the lease first. */
  private long quietUntil;
  private volatile Thread worker;

  /**
   * Campaigns on an existing pool (the caller keeps it). {@code holder} must be unique per master
   * process (a restarted master is a new holder); {@code address} is what clients are sent to.
   */
  public PostgresLeadership(DataSource dataSource, String holder, String address, Duration ttl) {
    this(dataSource, null, holder, address, ttl);
  }

  private PostgresLeadership(DataSource dataSource, AutoCloseable ownedPool, String holder, String address, Duration ttl) {
    if (ttl == null || ttl.compareTo(Duration.ofMillis(300)) < 0 || ttl.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("lease ttl: " + ttl + " (expected: 300 ms..10 min; default 3 s)");
    }
    if (holder == null || holder.isBlank() || holder.length() > 200) {
      throw new IllegalArgumentException("lease holder: '" + holder + "' (expected: 1..200 characters, unique per master process)");
    }
    this.dataSource = dataSource;
    this.ownedPool = ownedPool;
    this.holder = holder;
    this.address = address == null ? "" : address;
    this.ttl = ttl;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "postgres-leadership");
      t.setDaemon(true);
      worker = t;
      return t;
    });
    // nanoTime has an arbitrary origin (it may be negative): compare against a time it returned.
    this.quietUntil = System.nanoTime();
  }

  /** Campaigns on the database of a {@code postgres://} journal spec, with a pool of its own (two connections). */
  public static PostgresLeadership open(String journalSpec, String holder, String address, Duration ttl) {
    HikariDataSource pool = Journals.postgresPool(journalSpec, 2, Duration.ofSeconds(10), "leadership");
    try {
      return new PostgresLeadership(pool, pool, holder, address, ttl);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  @Override
  public void start(Listener listener) {
    if (state != State.NEW) {
      throw new IllegalStateException("leadership is " + state + ": start is called once (legal in: NEW)");
    }
    this.listener = listener;
    state = State.STANDBY;
    long every = Math.max(50, ttl.toMillis() / 3);
    thread.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public Optional<String> leaderAddress() {
    return leaderAddress;
  }

  @Override
  public boolean isLeader() {
    return state == State.LEADING;
  }

  @Override
  public void resign(String why) {
    if (!thread.isShutdown()) {
      thread.execute(() -> release(why));
    }
  }

  @Override
  public void close() {
    if (state == State.CLOSED) {
      return;
    }
    if (Thread.currentThread() == worker) {
      // Called from a listener on our own thread: waiting for that thread would deadlock.
      release("closing");
      state = State.CLOSED;
      thread.shutdown();
      closePool();
      return;
    }
    try {
      thread.submit(() -> {
        release("closing");
        state = State.CLOSED;
      }).get(ttl.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("leadership of {}: closing did not finish cleanly: {}", holder, e.toString());
      state = State.CLOSED;
    }
    thread.shutdownNow();
    closePool();
  }

  private void closePool() {
    if (ownedPool != null) {
      try {
        ownedPool.close();
      } catch (Exception e) {
        log.debug("closing the leadership pool", e);
      }
    }
  }

  /** Test hook: stops renewing and campaigning as a paused process would (nothing is released or told). */
  void pause() {
    paused = true;
  }

  /** Test hook: carries on after {@link #pause}, learning on the next tick whether the lease survived. */
  void unpause() {
    paused = false;
  }

  private void tick() {
    if (paused || state == State.CLOSED || state == State.NEW) {
      return;
    }
    try {
      if (state == State.LEADING) {
        renew();
      } else if (System.nanoTime() - quietUntil >= 0) {
        tryAcquire();
      } else {
        readLeader();
      }
    } catch (SQLException | RuntimeException e) {
      if (state == State.LEADING && System.nanoTime() - leaseDeadline >= 0) {
        lose("lease expired: could not renew it for " + ttl.toMillis() + " ms (" + e.getMessage() + ")");
      } else {
        log.warn("leadership of {}: {} failed, retrying: {}", holder, state == State.LEADING ? "renewing" : "campaigning",
            e.getMessage());
      }
    }
  }

  private void tryAcquire() throws SQLException {
    long started = System.nanoTime();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO baton_lease (name, holder, address, term, expires_at)"
            + " VALUES (?, ?, ?, 1, now() + ? * interval '1 millisecond')"
            + " ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, address = EXCLUDED.address,"
            + " term = baton_lease.term + 1, expires_at = EXCLUDED.expires_at"
            + " WHERE baton_lease.expires_at < now() RETURNING term")) {
      ps.setString(1, LEASE);
      ps.setString(2, holder);
      ps.setString(3, address);
      ps.setLong(4, ttl.toMillis());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          readLeader(c);
          return;
        }
        term = rs.getLong(1);
      }
    }
    leaseDeadline = started + ttl.toNanos();
    state = State.LEADING;
    leaderAddress = Optional.of(address);
    log.info("leadership: {} ({}) holds the lease, term {}", holder, address, term);
    listener.elected();
  }

  private void renew() throws SQLException {
    long started = System.nanoTime();
    int updated;
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "UPDATE baton_lease SET expires_at = now() + ? * interval '1 millisecond'"
            + " WHERE name = ? AND holder = ? AND term = ? AND expires_at > now()")) {
      ps.setLong(1, ttl.toMillis());
      ps.setString(2, LEASE);
      ps.setString(3, holder);
      ps.setLong(4, term);
      updated = ps.executeUpdate();
    }
    if (System.nanoTime() - leaseDeadline >= 0) {
      // The renewal came too late to count: the lease may have lapsed in between.
      lose("lease expired before it was renewed (a pause of " + ttl.toMillis() + " ms or more)");
      return;
    }
    if (updated == 1) {
      leaseDeadline = started + ttl.toNanos();
      return;
    }
    readLeader();
    lose("lease lost: it expired and " + leaderAddress.map(a -> "the master at " + a).orElse("another master")
        + " may hold it now");
  }

  private void release(String why) {
    if (state != State.LEADING) {
      return;
    }
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "UPDATE baton_lease SET expires_at = now() - interval '1 millisecond' WHERE name = ? AND holder = ? AND term = ?")) {
      ps.setString(1, LEASE);
      ps.setString(2, holder);
      ps.setLong(3, term);
      ps.executeUpdate();
    } catch (SQLException e) {
      log.warn("leadership of {}: releasing the lease failed (it expires by itself within {} ms): {}", holder,
          ttl.toMillis(), e.getMessage());
    }
    quietUntil = System.nanoTime() + ttl.toNanos();
    leaderAddress = Optional.empty();
    lose("resigned: " + why);
  }

  private void lose(String why) {
    state = State.STANDBY;
    log.warn("leadership: {} is no longer leader: {}", holder, why);
    listener.deposed(why);
  }

  private void readLeader() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      readLeader(c);
    }
  }

  private void readLeader(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT address FROM baton_lease WHERE name = ? AND expires_at > now()")) {
      ps.setString(1, LEASE);
      try (ResultSet rs = ps.executeQuery()) {
        leaderAddress = rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }
}

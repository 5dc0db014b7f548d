package dev.baton.master;

import dev.baton.master.engine.Engine;
import dev.baton.master.journal.JournalPlanStore;
import dev.baton.master.journal.JournalSettings;
import dev.baton.master.leader.Leadership;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A journaled master's part: standby or leader. Standing by, its store follows the journal (reads
 * work); elected, it claims a new epoch in the journal, leads the store under it, and the engine
 * takes over every unfinished plan. Deposed (the lock lost, or the journal refused an append of
 * its epoch), the engine stands down at once and a fresh store follows the journal again.
 *
 * <p>Threads: the leadership's thread calls {@link #elected} and {@link #deposed}, never
 * concurrently; {@link #leading()} and {@link #epoch()} are read from any thread.
 */
final class MasterRole implements Leadership.Listener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MasterRole.class);

  private final String journalSpec;
  private final Clock clock;
  private final JournalSettings settings;
  private final CurrentStore store;
  private final Leadership leadership;
  private final String id;
  private final String address;
  private final Runnable steppedDown;
  private volatile Engine engine;
  private volatile boolean leading;
  private volatile long epoch;

  /**
   * @param steppedDown run (on the leadership's thread) once this master stopped leading and its
   *     store follows the journal again: sends away what only a leader serves (Coordinate streams)
   */
  MasterRole(String journalSpec, Clock clock, JournalSettings settings, CurrentStore store, Leadership leadership,
      String id, String address, Runnable steppedDown) {
    this.steppedDown = steppedDown;
    this.journalSpec = journalSpec;
    this.clock = clock;
    this.settings = settings;
    this.store = store;
    this.leadership = leadership;
    this.id = id;
    this.address = address;
  }

  /** Opens the journal and follows it (a standby's reads) until elected. */
  static CurrentStore follow(String journalSpec, Clock clock, JournalSettings settings) {
    return new CurrentStore(following(journalSpec, clock, settings));
  }

  private static JournalPlanStore following(String journalSpec, Clock clock, JournalSettings settings) {
    JournalPlanStore s = JournalPlanStore.open(journalSpec, clock, settings);
    try {
      s.follow();
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  /** Campaigns; the engine runs the plans whenever this master leads. */
  void start(Engine engine) {
    this.engine = engine;
    leadership.start(this);
  }

  boolean leading() {
    return leading;
  }

  /** Waits until this master leads (its plans taken over), at most {@code timeout}; true if it does. */
  boolean awaitLeading(java.time.Duration timeout) throws InterruptedException {
    synchronized (this) {
      long end = System.nanoTime() + timeout.toNanos();
      while (!leading) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }

  /** The epoch this master leads (or is taking over) under, 0 when it does not. */
  long epoch() {
    return epoch;
  }

  Optional<String> leaderAddress() {
    return leading ? Optional.of(address) : leadership.leaderAddress();
  }

  /** A sub-orchestrator (or the journal) knows a newer epoch: this master must step down. */
  void stale(String why) {
    if (epoch != 0) {
      leadership.resign(why);
    }
  }

  @Override
  public void elected() {
    JournalPlanStore s = store.get();
    try {
      long e = s.claimEpoch(id, address);
      s.lead(e);
      s.onFenced(this::stale);
      epoch = e;
      // Leading only once the plans are taken over: until then the standby gate keeps
      // sub-orchestrators out, so none reports executions of a plan not resumed yet.
      List<String> resumed = engine.resume();
      synchronized (this) {
        leading = true;
        notifyAll();
      }
      log.info("master {} leads under epoch {} ({}); {} plan(s) resumed{}", id, e, address, resumed.size(),
          resumed.isEmpty() ? "" : ": " + String.join(", ", resumed));
    } catch (RuntimeException ex) {
      log.error("master {} was elected but could not take over; resigning", id, ex);
      leadership.resign("take-over failed: " + ex.getMessage());
    }
  }

  @Override
  public void deposed(String why) {
    boolean was = epoch != 0;
    leading = false;
    if (was) {
      log.warn("master {} lost the leadership (epoch {}): {}", id, epoch, why);
      engine.standDown(why);
    }
    epoch = 0;
    JournalPlanStore current = store.get();
    if (current.mode() != JournalPlanStore.Mode.FOLLOWING) {
      // A store that led is done: follow the journal again on a fresh one (the old one's lock first).
      current.close();
      try {
        store.swap(following(journalSpec, clock, settings));
      } catch (RuntimeException e) {
        log.error("master {} cannot follow its journal again: {}", id, e.getMessage(), e);
      }
    }
    if (was) {
      steppedDown.run();
    }
  }

  @Override
  public void close() {
    leadership.close();
    store.get().close();
  }
}

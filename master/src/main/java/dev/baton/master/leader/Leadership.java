package dev.baton.master.leader;

import java.util.Optional;

/**
 * Who of several masters on one journal leads. An implementation campaigns for a lock (a Consul
 * session and KV lock, a lease row in PostgreSQL, a file lock for the embedded journal) and tells
 * its listener when this master gained or lost it.
 *
 * <p>The lock alone never guarantees one writer (a paused or partitioned holder may not know it
 * lost the lock): on {@link Listener#elected} the master claims a new epoch in the journal, and the
 * journal refuses appends of any older epoch. The lock only decides who should claim.
 *
 * <p>Threads: implementations call the listener from their own single thread, never concurrently
 * and never while holding a lock of theirs.
 */
public interface Leadership extends AutoCloseable {

  /** Starts campaigning; the listener hears every change from then on. Called once. */
  void start(Listener listener);

  /**
   * The current leader's client address ({@code host:port}) as the lock records it, if any
   * master leads; standbys name it in their UNAVAILABLE answers.
   */
  Optional<String> leaderAddress();

  /** True while this master holds the lock. */
  boolean isLeader();

  /** Gives the lock up (when the journal fenced this master, or on shutdown); campaigns again unless closed. */
  void resign(String why);

  /** Resigns and stops campaigning. */
  @Override
  void close();

  /** Hears leadership changes. */
  interface Listener {
    /** This master now holds the lock and should claim an epoch and lead. */
    void elected();

    /** This master lost the lock (expired, released, or resigned) and must stop writing at once. */
    void deposed(String why);
  }
}

package dev.baton.master.journal;

import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where plan events outlive the master: {@code baton.v1.PlanEvent} bytes keyed by (plan, sequence),
 * each with a CRC32C checksum; snapshots of a plan's status every N events; one row per plan for
 * listing and compaction; and the epoch, a fencing token that every append is conditional on.
 *
 * <p>Every record also has a global position, increasing in commit order (one writer at a time,
 * which the epoch guarantees), so a standby tails every plan's new events with one query.
 *
 * <p>Thread-safe: the store's writer, its follower and gRPC readers call it concurrently.
 * Implementations: {@link SqliteJournal} (embedded, one master) and {@link PostgresJournal}.
 */
public interface Journal extends AutoCloseable {

  /** What this journal is, for messages: {@code sqlite /path} or {@code postgres host:port/db} (no password). */
  String describe();

  /**
   * Starts a new leadership: atomically increments the epoch and records its holder. Every append
   * of an older epoch fails from then on.
   *
   * @return the new epoch
   */
  long claimEpoch(String holder, String address);

  /** The current epoch and who claimed it (epoch 0, no holder, before the first claim). */
  Epoch currentEpoch();

  /** Every epoch claimed, oldest first: who led when. */
  List<Epoch> epochs();

  /**
   * Commits the events and snapshots in one transaction, only if the journal's epoch still equals
   * {@code epoch}; nothing is written otherwise.
   *
   * @param events in order, each plan's gapless and following what the journal holds
   * @param snapshots plan statuses, each stored at its {@code last_sequence}
   * @throws FencedException when another master claimed a newer epoch
   * @throws JournalException when the commit failed (nothing or everything is written)
   */
  void append(long epoch, List<PlanEvent> events, List<PlanStatus> snapshots);

  /** {@link #append(long, List, List)} without snapshots. */
  default void append(long epoch, List<PlanEvent> events) {
    append(epoch, events, List.of());
  }

  /**
   * Up to {@code limit} events of the plan with {@code after < sequence <= upTo}, in order.
   *
   * @throws CorruptRecordException when a record's checksum fails or it does not parse
   */
  List<PlanEvent> events(String planId, long after, long upTo, int limit);

  /** Up to {@code limit} records of every plan after global position {@code position}, in order. */
  List<JournalRecord> since(long position, int limit);

  /** The newest record's global position (0 for an empty journal). */
  long lastPosition();

  /**
   * The plan's newest snapshot at or below {@code atOrBelow}. A snapshot whose checksum fails is
   * passed over for an older one, with a warning.
   */
  Optional<PlanStatus> latestSnapshot(String planId, long atOrBelow);

  /** Every plan, oldest acceptance first. */
  List<JournaledPlan> plans();

  /** One plan's row, if the journal holds it. */
  Optional<JournaledPlan> plan(String planId);

  /** Every record of the plan as stored, checked but not thrown on (for verify). */
  List<RawRecord> rawRecords(String planId, long after, int limit);

  /** Sequences of the plan's snapshots, oldest first. */
  List<Long> snapshotSequences(String planId);

  /** The plan's snapshot stored at exactly {@code sequence}, checked but not thrown on (for verify). */
  Optional<RawRecord> rawSnapshot(String planId, long sequence);

  /**
   * Deletes what the policy no longer keeps: finished plans only, never an unfinished one.
   *
   * @return the plans deleted (or that would be, with {@code dryRun})
   */
  List<JournaledPlan> compact(RetentionPolicy policy, Instant now, boolean dryRun);

  /**
   * Drops each plan's torn or corrupt last records (checksum fails, or does not parse), logging
   * one WARN line each with plan, sequence and why; nothing earlier is touched.
   *
   * @return how many records were dropped
   */
  int dropTornTails();

  @Override
  void close();

  /** An epoch and who claimed it. */
  record Epoch(long epoch, String holder, String address, Instant claimedAt) {
    @Override
    public String toString() {
      return epoch == 0 ? "epoch 0 (never claimed)"
          : "epoch " + epoch + " (held by " + holder + (address.isEmpty() ? "" : " at " + address) + " since " + claimedAt + ")";
    }
  }

  /**
   * A record with its global position and the epoch that wrote it.
   *
   * @param event null when the record is corrupt, then {@code problem} says why
   */
  record JournalRecord(long position, String planId, long sequence, long epoch, PlanEvent event, String problem) {}

  /** A stored record as it is: its bytes, whether the checksum holds, and the event if it parses. */
  record RawRecord(String planId, long sequence, long epoch, byte[] data, boolean checksumOk, String problem) {
    /** True when the checksum holds and the bytes parse into the event the key names. */
    public boolean ok() {
      return problem == null;
    }
  }
}

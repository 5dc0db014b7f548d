package dev.baton.master.journal;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's SQL, shared by both backends: they differ in how they connect, lock and lock the
 * epoch row ({@link #epochForAppendSql}). Every statement is plain SQL both SQLite and PostgreSQL run.
 *
 * <p>Thread-safe: each call borrows its own connection from the pool.
 */
abstract class JdbcJournal implements Journal {
  private static final Logger log = LoggerFactory.getLogger(JdbcJournal.class);
  private static final String EVENT_COLUMNS = "position, plan_id, sequence, epoch, crc, data";

  protected final DataSource dataSource;
  protected final Clock clock;

  JdbcJournal(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** Reads the epoch row inside the append transaction so that a concurrent claim waits for, or fences, the append. */
  protected abstract String epochForAppendSql();

  /** Work in one transaction. */
  @FunctionalInterface
  protected interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  protected <T> T tx(String what, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new JournalException(describe() + ": " + what + " failed: " + e.getMessage(), e);
    }
  }

  protected <T> T read(String what, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new JournalException(describe() + ": " + what + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public long claimEpoch(String holder, String address) {
    long now = clock.millis();
    long epoch = tx("claiming an epoch", c -> {
      try (PreparedStatement up = c.prepareStatement(
          "UPDATE baton_epoch SET epoch = epoch + 1, holder = ?, address = ?, claimed_at = ? WHERE id = 1")) {
        up.setString(1, holder);
        up.setString(2, address);
        up.setLong(3, now);
        up.executeUpdate();
      }
      long e = epochRow(c, "SELECT epoch, holder, address, claimed_at FROM baton_epoch WHERE id = 1").epoch();
      try (PreparedStatement ins = c.prepareStatement(
          "INSERT INTO baton_epochs (epoch, holder, address, claimed_at) VALUES (?, ?, ?, ?)")) {
        ins.setLong(1, e);
        ins.setString(2, holder);
        ins.setString(3, address);
        ins.setLong(4, now);
        ins.executeUpdate();
      }
      return e;
    });
    log.info("journal {}: epoch {} claimed by {} {}", describe(), epoch, holder, address);
    return epoch;
  }

  @Override
  public Epoch currentEpoch() {
    return read("reading the epoch", c -> epochRow(c, "SELECT epoch, holder, address, claimed_at FROM baton_epoch WHERE id = 1"));
  }

  @Override
  public List<Epoch> epochs() {
    return read("reading the epochs", c -> {
      List<Epoch> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT epoch, holder, address, claimed_at FROM baton_epochs ORDER BY epoch");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Epoch(rs.getLong(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))));
        }
      }
      return out;
    });
  }

  private static Epoch epochRow(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("the epoch row is missing (the schema was not migrated, or was edited by hand)");
      }
      return new Epoch(rs.getLong(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)));
    }
  }

  @Override
  public void append(long epoch, List<PlanEvent> events, List<PlanStatus> snapshots) {
    if (events.isEmpty() && snapshots.isEmpty()) {
      return;
    }
    tx("appending " + events.size() + " event(s)", c -> {
      Epoch current = epochRow(c, epochForAppendSql());
      if (current.epoch() != epoch) {
        throw new FencedException(epoch, current);
      }
      Map<String, PlanChange> changes = new LinkedHashMap<>();
      try (PreparedStatement ins = c.prepareStatement(
          "INSERT INTO baton_events (plan_id, sequence, epoch, crc, data) VALUES (?, ?, ?, ?, ?)")) {
        for (PlanEvent e : events) {
          byte[] data = e.toByteArray();
          ins.setString(1, e.getPlanId());
          ins.setLong(2, e.getSequence());
          ins.setLong(3, epoch);
          ins.setLong(4, crc(data));
          ins.setBytes(5, data);
          ins.addBatch();
          changes.computeIfAbsent(e.getPlanId(), k -> new PlanChange()).add(e);
        }
        ins.executeBatch();
      }
      writePlanRows(c, changes);
      try (PreparedStatement ins = c.prepareStatement(
          "INSERT INTO baton_snapshots (plan_id, sequence, crc, data) VALUES (?, ?, ?, ?)")) {
        for (PlanStatus s : snapshots) {
          byte[] data = s.toByteArray();
          ins.setString(1, s.getPlanId());
          ins.setLong(2, s.getLastSequence());
          ins.setLong(3, crc(data));
          ins.setBytes(4, data);
          ins.addBatch();
        }
        if (!snapshots.isEmpty()) {
          ins.executeBatch();
        }
      }
      return null;
    });
  }

  /** What one batch does to a plan's row. */
  private static final class PlanChange {
    PlanEvent accepted;
    PlanEvent finished;
    long last;

    void add(PlanEvent e) {
      if (e.hasPlanAccepted()) {
        accepted = e;
      }
      if (e.hasPlanFinished()) {
        finished = e;
      }
      last = Math.max(last, e.getSequence());
    }
  }

  private static void writePlanRows(Connection c, Map<String, PlanChange> changes) throws SQLException {
    try (PreparedStatement ins = c.prepareStatement(
        "INSERT INTO baton_plans (plan_id, accepted_at, last_sequence, state, finished_at) VALUES (?, ?, ?, ?, ?)");
        PreparedStatement up = c.prepareStatement("UPDATE baton_plans SET last_sequence = ? WHERE plan_id = ?");
        PreparedStatement fin = c.prepareStatement(
            "UPDATE baton_plans SET last_sequence = ?, state = ?, finished_at = ? WHERE plan_id = ?")) {
      boolean inserts = false;
      boolean updates = false;
      boolean finishes = false;
      for (var entry : changes.entrySet()) {
        PlanChange ch = entry.getValue();
        if (ch.accepted != null) {
          ins.setString(1, entry.getKey());
          ins.setLong(2, millis(ch.accepted));
          ins.setLong(3, ch.last);
          ins.setInt(4, ch.finished != null ? ch.finished.getPlanFinished().getStateValue() : PlanState.PLAN_STATE_RUNNING_VALUE);
          if (ch.finished != null) {
            ins.setLong(5, millis(ch.finished));
          } else {
            ins.setNull(5, java.sql.Types.BIGINT);
          }
          ins.addBatch();
          inserts = true;
        } else if (ch.finished != null) {
          fin.setLong(1, ch.last);
          fin.setInt(2, ch.finished.getPlanFinished().getStateValue());
          fin.setLong(3, millis(ch.finished));
          fin.setString(4, entry.getKey());
          fin.addBatch();
          finishes = true;
        } else {
          up.setLong(1, ch.last);
          up.setString(2, entry.getKey());
          up.addBatch();
          updates = true;
        }
      }
      if (inserts) {
        ins.executeBatch();
      }
      if (updates) {
        up.executeBatch();
      }
      if (finishes) {
        fin.executeBatch();
      }
    }
  }

  @Override
  public List<PlanEvent> events(String planId, long after, long upTo, int limit) {
    return read("reading plan " + planId, c -> {
      List<PlanEvent> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + EVENT_COLUMNS
          + " FROM baton_events WHERE plan_id = ? AND sequence > ? AND sequence <= ? ORDER BY sequence LIMIT ?")) {
        ps.setString(1, planId);
        ps.setLong(2, after);
        ps.setLong(3, upTo);
        ps.setInt(4, limit);
        try (ResultSet rs = ps.executeQuery()) {
          long expected = after + 1;
          while (rs.next()) {
            JournalRecord r = record(rs);
            if (r.event() == null) {
              throw new CorruptRecordException(planId, r.sequence(), r.problem());
            }
            if (r.sequence() != expected) {
              throw new CorruptRecordException(planId, expected, "missing: the next record is #" + r.sequence());
            }
            out.add(r.event());
            expected = r.sequence() + 1;
          }
        }
      }
      return out;
    });
  }

  @Override
  public List<JournalRecord> since(long position, int limit) {
    return read("reading records after position " + position, c -> {
      List<JournalRecord> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + EVENT_COLUMNS + " FROM baton_events WHERE position > ? ORDER BY position LIMIT ?")) {
        ps.setLong(1, position);
        ps.setInt(2, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(record(rs));
          }
        }
      }
      return out;
    });
  }

  @Override
  public long lastPosition() {
    return read("reading the last position", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT MAX(position) FROM baton_events");
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
  }

  @Override
  public Optional<PlanStatus> latestSnapshot(String planId, long atOrBelow) {
    return read("reading plan " + planId + "'s snapshot", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT sequence, crc, data FROM baton_snapshots"
          + " WHERE plan_id = ? AND sequence <= ? ORDER BY sequence DESC")) {
        ps.setString(1, planId);
        ps.setLong(2, atOrBelow);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long sequence = rs.getLong(1);
            String problem = snapshotProblem(planId, sequence, rs.getLong(2), rs.getBytes(3));
            if (problem == null) {
              return Optional.of(PlanStatus.parseFrom(rs.getBytes(3)));
            }
            log.warn("journal {}: snapshot {}#{} passed over ({}); an older one or the events are used instead",
                describe(), planId, sequence, problem);
          }
        }
      } catch (InvalidProtocolBufferException e) {
        throw new SQLException("unreachable: a checked snapshot did not parse", e);
      }
      return Optional.empty();
    });
  }

  @Override
  public List<JournaledPlan> plans() {
    return read("listing plans", c -> {
      List<JournaledPlan> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT plan_id, accepted_at, last_sequence, state, finished_at"
          + " FROM baton_plans ORDER BY accepted_at, plan_id"); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(plan(rs));
        }
      }
      return out;
    });
  }

  @Override
  public Optional<JournaledPlan> plan(String planId) {
    return read("reading plan " + planId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT plan_id, accepted_at, last_sequence, state, finished_at"
          + " FROM baton_plans WHERE plan_id = ?")) {
        ps.setString(1, planId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(plan(rs)) : Optional.empty();
        }
      }
    });
  }

  private static JournaledPlan plan(ResultSet rs) throws SQLException {
    long finished = rs.getLong(5);
    boolean hasFinished = !rs.wasNull();
    PlanState state = PlanState.forNumber(rs.getInt(4));
    return new JournaledPlan(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getLong(3),
        state == null ? PlanState.PLAN_STATE_RUNNING : state,
        hasFinished ? Optional.of(Instant.ofEpochMilli(finished)) : Optional.empty());
  }

  @Override
  public List<RawRecord> rawRecords(String planId, long after, int limit) {
    return read("reading plan " + planId, c -> {
      List<RawRecord> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + EVENT_COLUMNS
          + " FROM baton_events WHERE plan_id = ? AND sequence > ? ORDER BY sequence LIMIT ?")) {
        ps.setString(1, planId);
        ps.setLong(2, after);
        ps.setInt(3, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            byte[] data = rs.getBytes(6);
            long crc = rs.getLong(5);
            out.add(new RawRecord(rs.getString(2), rs.getLong(3), rs.getLong(4), data, crc(data) == crc,
                problem(rs.getString(2), rs.getLong(3), crc, data)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public List<Long> snapshotSequences(String planId) {
    return read("reading plan " + planId + "'s snapshots", c -> {
      List<Long> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT sequence FROM baton_snapshots WHERE plan_id = ? ORDER BY sequence")) {
        ps.setString(1, planId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getLong(1));
          }
        }
      }
      return out;
    });
  }

  @Override
  public Optional<RawRecord> rawSnapshot(String planId, long sequence) {
    return read("reading plan " + planId + "'s snapshot", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT crc, data FROM baton_snapshots WHERE plan_id = ? AND sequence = ?")) {
        ps.setString(1, planId);
        ps.setLong(2, sequence);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          byte[] data = rs.getBytes(2);
          long crc = rs.getLong(1);
          return Optional.of(new RawRecord(planId, sequence, 0, data, crc(data) == crc,
              snapshotProblem(planId, sequence, crc, data)));
        }
      }
    });
  }

  @Override
  public List<JournaledPlan> compact(RetentionPolicy policy, Instant now, boolean dryRun) {
    List<JournaledPlan> doomed = policy.toDelete(plans(), now);
    if (dryRun || doomed.isEmpty()) {
      return doomed;
    }
    // A chunk per transaction: a big compaction never holds the write lock for long.
    for (int from = 0; from < doomed.size(); from += 100) {
      List<JournaledPlan> chunk = doomed.subList(from, Math.min(doomed.size(), from + 100));
      tx("compacting " + chunk.size() + " plan(s)", c -> {
        for (String table : List.of("baton_events", "baton_snapshots", "baton_plans")) {
          // finished_at IS NOT NULL again here: a plan is deleted only as the finished plan it was listed as.
          String sql = "DELETE FROM " + table + " WHERE plan_id = ?"
              + " AND EXISTS (SELECT 1 FROM baton_plans p WHERE p.plan_id = ? AND p.finished_at IS NOT NULL)";
          try (PreparedStatement del = c.prepareStatement(sql)) {
            for (JournaledPlan p : chunk) {
              del.setString(1, p.planId());
              del.setString(2, p.planId());
              del.addBatch();
            }
            del.executeBatch();
          }
        }
        return null;
      });
    }
    log.info("journal {}: compacted {} finished plan(s)", describe(), doomed.size());
    return doomed;
  }

  @Override
  public int dropTornTails() {
    // Each plan's last record (the plan row and its events are written in one transaction).
    List<RawRecord> lasts = read("checking the plans' last records", c -> {
      List<RawRecord> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT e.plan_id, e.sequence, e.epoch, e.crc, e.data"
          + " FROM baton_events e JOIN baton_plans p ON p.plan_id = e.plan_id AND p.last_sequence = e.sequence");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byte[] data = rs.getBytes(5);
          long crc = rs.getLong(4);
          out.add(new RawRecord(rs.getString(1), rs.getLong(2), rs.getLong(3), data, crc(data) == crc,
              problem(rs.getString(1), rs.getLong(2), crc, data)));
        }
      }
      return out;
    });
    int dropped = 0;
    for (RawRecord last : lasts) {
      if (!last.ok()) {
        dropped += dropTail(last.planId(), last.sequence());
      }
    }
    return dropped;
  }

  /** Drops the plan's bad records from {@code last} backwards while they are bad. */
  private int dropTail(String planId, long last) {
    return tx("dropping plan " + planId + "'s torn records", c -> {
      long seq = last;
      int dropped = 0;
      while (seq > 0) {
        RawRecord r = null;
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT epoch, crc, data FROM baton_events WHERE plan_id = ? AND sequence = ?")) {
          ps.setString(1, planId);
          ps.setLong(2, seq);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              byte[] data = rs.getBytes(3);
              r = new RawRecord(planId, seq, rs.getLong(1), data, crc(data) == rs.getLong(2),
                  problem(planId, seq, rs.getLong(2), data));
            }
          }
        }
        if (r != null && r.ok()) {
          break;
        }
        for (String table : List.of("baton_events", "baton_snapshots")) {
          try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE plan_id = ? AND sequence = ?")) {
            del.setString(1, planId);
            del.setLong(2, seq);
            del.executeUpdate();
          }
        }
        log.warn("journal {}: dropped torn record {}#{} at the end of the plan ({}); every earlier record is kept",
            describe(), planId, seq, r == null ? "missing" : r.problem());
        dropped++;
        seq--;
      }
      if (seq == 0) {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM baton_plans WHERE plan_id = ?")) {
          del.setString(1, planId);
          del.executeUpdate();
        }
      } else {
        // Whatever was dropped ended the plan's history, so it is unfinished now.
        try (PreparedStatement up = c.prepareStatement(
            "UPDATE baton_plans SET last_sequence = ?, state = ?, finished_at = NULL WHERE plan_id = ?")) {
          up.setLong(1, seq);
          up.setInt(2, PlanState.PLAN_STATE_RUNNING_VALUE);
          up.setString(3, planId);
          up.executeUpdate();
        }
      }
      return dropped;
    });
  }

  private static JournalRecord record(ResultSet rs) throws SQLException {
    String planId = rs.getString(2);
    long sequence = rs.getLong(3);
    long crc = rs.getLong(5);
    byte[] data = rs.getBytes(6);
    String problem = problem(planId, sequence, crc, data);
    PlanEvent event = null;
    if (problem == null) {
      try {
        event = PlanEvent.parseFrom(data);
      } catch (InvalidProtocolBufferException e) {
        problem = "does not parse: " + e.getMessage();
      }
    }
    return new JournalRecord(rs.getLong(1), planId, sequence, rs.getLong(4), event, problem);
  }

  /** CRC32C of the bytes, as stored (an unsigned 32-bit value in a long). */
  static long crc(byte[] data) {
    CRC32C c = new CRC32C();
    c.update(data);
    return c.getValue();
  }

  /** Why an event record is bad, or null when its checksum holds and it parses into the event its key names. */
  static String problem(String planId, long sequence, long crc, byte[] data) {
    if (data == null) {
      return "no data";
    }
    long actual = crc(data);
    if (actual != crc) {
      return String.format("checksum mismatch: stored %08x, computed %08x over %d bytes", crc, actual, data.length);
    }
    try {
      PlanEvent e = PlanEvent.parseFrom(data);
      if (!e.getPlanId().equals(planId) || e.getSequence() != sequence) {
        return "holds " + e.getPlanId() + "#" + e.getSequence() + " under the key " + planId + "#" + sequence;
      }
      return null;
    } catch (InvalidProtocolBufferException e) {
      return "does not parse as a PlanEvent: " + e.getMessage();
    }
  }

  static String snapshotProblem(String planId, long sequence, long crc, byte[] data) {
    long actual = crc(data);
    if (actual != crc) {
      return String.format("checksum mismatch: stored %08x, computed %08x over %d bytes", crc, actual, data.length);
    }
    try {
      PlanStatus s = PlanStatus.parseFrom(data);
      if (!s.getPlanId().equals(planId) || s.getLastSequence() != sequence) {
        return "holds " + s.getPlanId() + " at " + s.getLastSequence() + " under the key " + planId + "#" + sequence;
      }
      return null;
    } catch (InvalidProtocolBufferException e) {
      return "does not parse as a PlanStatus: " + e.getMessage();
    }
  }

  /** The event's time in epoch milliseconds. */
  static long millis(PlanEvent e) {
    return e.getTime().getSeconds() * 1000 + e.getTime().getNanos() / 1_000_000;
  }
}

package dev.baton.master.journal;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.baton.master.events.PlanReducer;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a journal end to end: every record's checksum and key, each plan's sequence gapless
 * from 1 to its row's last sequence, its row's finished state against its last event, and every
 * snapshot against the status a replay of the events up to it gives. Reads only; each plan is
 * replayed once, page by page, so memory stays bounded by the largest plan's status.
 */
public final class JournalVerifier {
  /** What a verification found. */
  public record Report(int plans, long events, int snapshots, List<String> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private JournalVerifier() {}

  public static Report verify(Journal journal, int pageSize) {
    List<String> problems = new ArrayList<>();
    long events = 0;
    int snapshots = 0;
    List<JournaledPlan> plans = journal.plans();
    for (JournaledPlan plan : plans) {
      String id = plan.planId();
      Set<Long> snapshotAt = new HashSet<>(journal.snapshotSequences(id));
      snapshots += snapshotAt.size();
      PlanReducer.Mutable status = null;
      long expected = 1;
      PlanEvent last = null;
      boolean broken = false;
      for (List<Journal.RawRecord> page = journal.rawRecords(id, 0, pageSize); !page.isEmpty();
          page = journal.rawRecords(id, page.get(page.size() - 1).sequence(), pageSize)) {
        for (Journal.RawRecord r : page) {
          events++;
          if (r.sequence() != expected) {
            problems.add(id + "#" + expected + ": missing (the next record is #" + r.sequence() + ")");
            broken = true;
          }
          expected = r.sequence() + 1;
          if (!r.ok()) {
            problems.add(id + "#" + r.sequence() + ": " + r.problem());
            broken = true;
            continue;
          }
          if (broken) {
            continue; // past a bad record the replay means nothing: keep checking records only
          }
          PlanEvent e = parse(r.data());
          last = e;
          try {
            if (status == null) {
              status = PlanReducer.start(e);
            } else {
              PlanReducer.applyTo(status, e);
            }
          } catch (IllegalStateException ex) {
            problems.add(id + "#" + r.sequence() + ": does not fold: " + ex.getMessage());
            broken = true;
            continue;
          }
          if (snapshotAt.contains(r.sequence())) {
            checkSnapshot(journal, id, r.sequence(), status.snapshot(), problems);
          }
        }
      }
      if (expected - 1 != plan.lastSequence()) {
        problems.add(id + ": the plan row says its last event is #" + plan.lastSequence() + ", the journal holds #" + (expected - 1));
      }
      boolean endsFinished = last != null && last.hasPlanFinished() && !broken;
      if (!broken && endsFinished != plan.finished()) {
        problems.add(id + ": the plan row says " + (plan.finished() ? "finished" : "unfinished")
            + " but its last event is " + (last == null ? "none" : last.getKindCase()));
      }
      for (long s : snapshotAt) {
        if (s > expected - 1) {
          problems.add(id + ": snapshot at #" + s + " is past the last event #" + (expected - 1));
        }
      }
    }
    return new Report(plans.size(), events, snapshots, problems);
  }

  private static void checkSnapshot(Journal journal, String id, long sequence, PlanStatus replayed, List<String> problems) {
    Journal.RawRecord raw = journal.rawSnapshot(id, sequence).orElse(null);
    if (raw == null) {
      return;
    }
    if (!raw.ok()) {
      problems.add(id + ": snapshot at #" + sequence + ": " + raw.problem());
      return;
    }
    try {
      PlanStatus stored = PlanStatus.parseFrom(raw.data());
      if (!stored.equals(replayed)) {
        problems.add(id + ": snapshot at #" + sequence + " differs from the replay of events #1..#" + sequence
            + " (written by another reducer version? recovery would use the snapshot)");
      }
    } catch (InvalidProtocolBufferException e) {
      problems.add(id + ": snapshot at #" + sequence + ": does not parse: " + e.getMessage());
    }
  }

  private static PlanEvent parse(byte[] data) {
    try {
      return PlanEvent.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a checked record did not parse", e);
    }
  }
}

package dev.baton.runtime.execution;

import com.google.protobuf.Timestamp;
import dev.baton.v1.DroidEvent;
import dev.baton.v1.Usage;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One execution's droid events, numbered 1, 2, 3... and kept up to a bound (the oldest dropped
 * first), so the master can page what it missed. Also keeps the newest usage total the droid
 * reported. Guarded by the execution manager's lock.
 */
final class DroidEventLog {
  /** Events kept per execution. */
  static final int MAX_EVENTS = 2_000;

  private final ArrayDeque<DroidEvent> events = new ArrayDeque<>();
  private long lastIndex;
  private Usage usage = Usage.getDefaultInstance();

  /** Numbers and stamps the event (unless the droid did), keeps it, and returns it. */
  DroidEvent append(DroidEvent event, Instant now) {
    DroidEvent.Builder numbered = event.toBuilder().setIndex(++lastIndex);
    if (!event.hasTime()) {
      numbered.setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
    }
    DroidEvent kept = numbered.build();
    events.addLast(kept);
    if (events.size() > MAX_EVENTS) {
      events.removeFirst();
    }
    if (kept.hasUsage()) {
      usage = kept.getUsage();
    } else if (kept.hasCompletion() && kept.getCompletion().hasUsage()) {
      usage = kept.getCompletion().getUsage();
    }
    return kept;
  }

  /** Up to {@code limit} events with index > {@code after}, oldest first. */
  List<DroidEvent> after(long after, int limit) {
    List<DroidEvent> out = new ArrayList<>();
    for (DroidEvent e : events) {
      if (e.getIndex() > after) {
        out.add(e);
        if (out.size() == limit) {
          break;
        }
      }
    }
    return out;
  }

  long lastIndex() {
    return lastIndex;
  }

  /** Events with an index up to this one were dropped by the bound. */
  long droppedThrough() {
    return events.isEmpty() ? lastIndex : events.peekFirst().getIndex() - 1;
  }

  Usage usage() {
    return usage;
  }
}

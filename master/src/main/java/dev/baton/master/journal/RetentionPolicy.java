package dev.baton.master.journal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which finished plans compaction deletes: those finished longer ago than {@link #keepFinishedFor},
 * and/or all but the newest {@link #keepFinished} finished ones. A plan still running is never
 * deleted, whatever its age. At least one of the two bounds is required.
 *
 * @param keepFinishedFor finished plans younger than this are kept; empty: no age bound
 * @param keepFinished at most this many finished plans (the most recently finished) are kept; empty: no count bound
 */
public record RetentionPolicy(Optional<Duration> keepFinishedFor, OptionalInt keepFinished) {
  /** Longest age a policy takes: 100 years. */
  public static final Duration MAX_AGE = Duration.ofDays(36_500);
  /** Most finished plans a policy keeps by count. */
  public static final int MAX_KEEP = 100_000_000;
  static final String AGE_EXPECTED = "a positive age like 7d, 12h, 30m or 1d12h, at most 36500d";

  private static final Pattern AGE = Pattern.compile("(?:(\\d{1,6})d)?(?:(\\d{1,7})h)?(?:(\\d{1,9})m)?(?:(\\d{1,10})s)?");

  public RetentionPolicy {
    if (keepFinishedFor.isEmpty() && keepFinished.isEmpty()) {
      throw new IllegalArgumentException("retention: no bound given (expected: --keep-finished-for AGE and/or --keep N)");
    }
    keepFinishedFor.ifPresent(d -> {
      if (d.isNegative() || d.isZero() || d.compareTo(MAX_AGE) > 0) {
        throw new IllegalArgumentException("keepFinishedFor: " + d + " (expected: " + AGE_EXPECTED + ")");
      }
    });
    keepFinished.ifPresent(n -> {
      if (n < 0 || n > MAX_KEEP) {
        throw new IllegalArgumentException("keep: " + n + " (expected: 0.." + MAX_KEEP + " finished plans)");
      }
    });
  }

  /** Finished plans older than {@code age} go. */
  public static RetentionPolicy olderThan(Duration age) {
    return new RetentionPolicy(Optional.of(age), OptionalInt.empty());
  }

  /**
   * Parses an age: days, hours, minutes, seconds in that order ({@code 7d}, {@code 1d12h}, {@code 90m}).
   *
   * @throws IllegalArgumentException naming the text and the expected form
   */
  public static Duration parseAge(String text) {
    String t = text == null ? "" : text.strip();
    Matcher m = AGE.matcher(t);
    if (t.isEmpty() || !m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not an age (expected: " + AGE_EXPECTED + ")");
    }
    Duration d = Duration.ZERO;
    try {
      d = d.plusDays(m.group(1) == null ? 0 : Long.parseLong(m.group(1)))
          .plusHours(m.group(2) == null ? 0 : Long.parseLong(m.group(2)))
          .plusMinutes(m.group(3) == null ? 0 : Long.parseLong(m.group(3)))
          .plusSeconds(m.group(4) == null ? 0 : Long.parseLong(m.group(4)));
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too long (expected: " + AGE_EXPECTED + ")");
    }
    if (d.isZero() || d.compareTo(MAX_AGE) > 0) {
      throw new IllegalArgumentException("'" + text + "' is " + (d.isZero() ? "zero" : "too long")
          + " (expected: " + AGE_EXPECTED + ")");
    }
    return d;
  }

  /** The plans of {@code plans} this policy deletes at {@code now}: finished ones only. */
  public List<JournaledPlan> toDelete(List<JournaledPlan> plans, Instant now) {
    List<JournaledPlan> finished = new ArrayList<>(plans.stream().filter(JournaledPlan::finished).toList());
    // Newest finish first, so the count bound keeps the most recent.
    finished.sort(Comparator.comparing((JournaledPlan p) -> p.finishedAt().orElseThrow()).reversed()
        .thenComparing(JournaledPlan::planId));
    List<JournaledPlan> out = new ArrayList<>();
    for (int i = 0; i < finished.size(); i++) {
      JournaledPlan p = finished.get(i);
      boolean tooOld = keepFinishedFor.map(age -> p.finishedAt().orElseThrow().isBefore(now.minus(age))).orElse(false);
      boolean beyondCount = keepFinished.isPresent() && i >= keepFinished.getAsInt();
      if (tooOld || beyondCount) {
        out.add(p);
      }
    }
    return out;
  }
}

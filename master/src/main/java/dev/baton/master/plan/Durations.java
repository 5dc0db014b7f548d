package dev.baton.master.plan;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plan-format durations: {@code 90s}, {@code 30m}, {@code 2h}, {@code 1h30m}, {@code 1h30m15s}.
 * Deliberately small: hours, minutes and seconds in that order, positive, at most {@link #MAX}.
 */
final class Durations {
  static final Duration MAX = Duration.ofHours(1000);
  static final String EXPECTED = "a positive duration like 90s, 30m, 2h or 1h30m";

  private static final Pattern FORMAT =
      Pattern.compile("(?:(\\d{1,7})h)?(?:(\\d{1,7})m)?(?:(\\d{1,7})s)?");

  private Durations() {}

  /** The duration, or empty with {@code problem[0]} set to why the text is not one. */
  static Optional<Duration> parse(String text, String[] problem) {
    String t = text.strip();
    if (t.startsWith("-")) {
      problem[0] = "'" + text + "' is negative";
      return Optional.empty();
    }
    Matcher m = FORMAT.matcher(t);
    if (t.isEmpty() || !m.matches()) {
      problem[0] = "'" + text + "' is not a duration";
      return Optional.empty();
    }
    long seconds = 0;
    seconds += m.group(1) == null ? 0 : Long.parseLong(m.group(1)) * 3600;
    seconds += m.group(2) == null ? 0 : Long.parseLong(m.group(2)) * 60;
    seconds += m.group(3) == null ? 0 : Long.parseLong(m.group(3));
    if (seconds == 0) {
      problem[0] = "'" + text + "' is zero";
      return Optional.empty();
    }
    Duration d = Duration.ofSeconds(seconds);
    if (d.compareTo(MAX) > 0) {
      problem[0] = "'" + text + "' is longer than " + format(MAX);
      return Optional.empty();
    }
    return Optional.of(d);
  }

  /** The canonical plan-format word: {@code 1h30m}, {@code 45s}, {@code 2h}. */
  static String format(Duration d) {
    long s = d.toSeconds();
    StringBuilder b = new StringBuilder();
    if (s >= 3600) {
      b.append(s / 3600).append('h');
    }
    if (s % 3600 >= 60) {
      b.append(s % 3600 / 60).append('m');
    }
    if (s % 60 != 0 || b.length() == 0) {
      b.append(s % 60).append('s');
    }
    return b.toString();
  }
}

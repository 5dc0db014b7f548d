package dev.baton.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long and how a client command keeps trying the masters: for up to {@code retryFor} after the
 * first failure (every address is tried at least once, even with 0), sleeping between rounds of
 * addresses for a backoff that starts at {@code firstBackoff}, doubles up to {@code maxBackoff} and
 * is jittered (half fixed, half random) so that many clients do not retry in step; each unary call
 * has its own deadline of {@code callDeadline}, cut to what is left of {@code retryFor} (never below
 * {@link #MIN_CALL_DEADLINE}).
 */
record RetryPolicy(Duration retryFor, Duration firstBackoff, Duration maxBackoff, Duration callDeadline) {
  /** Default of {@code --retry-for}: long enough for a new leader to be elected and to replay its journal. */
  static final Duration DEFAULT_RETRY_FOR = Duration.ofSeconds(60);
  /** Upper bound of {@code --retry-for}. */
  static final Duration MAX_RETRY_FOR = Duration.ofHours(1);
  static final Duration DEFAULT_FIRST_BACKOFF = Duration.ofMillis(100);
  static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(2);
  /** Default deadline of each unary call. */
  static final Duration DEFAULT_CALL_DEADLINE = Duration.ofSeconds(10);
  /** A call near the end of the retry time still gets this long. */
  static final Duration MIN_CALL_DEADLINE = Duration.ofSeconds(1);

  static final RetryPolicy DEFAULT =
      new RetryPolicy(DEFAULT_RETRY_FOR, DEFAULT_FIRST_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_CALL_DEADLINE);

  private static final Pattern FORMAT = Pattern.compile("(?:(\\d{1,4})h)?(?:(\\d{1,6})m(?!s))?(?:(\\d{1,7})s)?(?:(\\d{1,9})ms)?");

  RetryPolicy {
    check("retryFor", retryFor, Duration.ZERO, MAX_RETRY_FOR);
    check("firstBackoff", firstBackoff, Duration.ofMillis(1), Duration.ofMinutes(1));
    check("maxBackoff", maxBackoff, firstBackoff, Duration.ofMinutes(10));
    check("callDeadline", callDeadline, Duration.ofMillis(1), Duration.ofHours(1));
  }

  private static void check(String name, Duration value, Duration min, Duration max) {
    if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + ".." + max + ")");
    }
  }

  RetryPolicy withRetryFor(Duration value) {
    return new RetryPolicy(value, firstBackoff, maxBackoff, callDeadline);
  }

  /**
   * Parses {@code --retry-for}: {@code 0}, or hours, minutes, seconds and milliseconds in that order,
   * such as {@code 90s}, {@code 2m}, {@code 1m30s} or {@code 500ms}; at most {@link #MAX_RETRY_FOR}.
   *
   * @throws CliException (exit 2) naming the value and the expected form
   */
  static Duration parseRetryFor(String option, String text) {
    return parseDuration(option, text, "tries each master once");
  }

  /**
   * Parses a duration option of 0 to 1 hour in the form of {@link #parseRetryFor}; {@code zeroMeans}
   * says what 0 does, for the message.
   *
   * @throws CliException (exit 2) naming the value and the expected form
   */
  static Duration parseDuration(String option, String text, String zeroMeans) {
    String expected = " (expected: a duration like 30s, 2m, 1m30s or 500ms, at most 1h; 0 " + zeroMeans + ")";
    String t = text == null ? "" : text.strip();
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = FORMAT.matcher(t);
    if (t.isEmpty() || !m.matches()) {
      throw CliException.invalidInput(option + ": '" + text + "'" + expected);
    }
    Duration d = Duration.ofHours(group(m, 1)).plusMinutes(group(m, 2)).plusSeconds(group(m, 3))
        .plusMillis(group(m, 4));
    if (d.compareTo(MAX_RETRY_FOR) > 0) {
      throw CliException.invalidInput(option + ": '" + text + "' is over 1h" + expected);
    }
    return d;
  }

  private static long group(Matcher m, int i) {
    return m.group(i) == null ? 0 : Long.parseLong(m.group(i));
  }
}

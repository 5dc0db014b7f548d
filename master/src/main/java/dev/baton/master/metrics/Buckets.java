package dev.baton.master.metrics;

import java.time.Duration;

/**
 * The bucket boundaries of the master's histograms, fixed and few (a dozen or so each) rather than
 * micrometer's percentile histograms (about 70 buckets per series), so that a histogram per domain
 * and phase stays cheap to scrape and store. Listed in docs/observability.md.
 */
public final class Buckets {
  private Buckets() {}

  /** Delegation to acceptance or result: 5 ms to 2 h (a droid may work for hours). */
  public static final Duration[] DELEGATION = durations(
      "PT0.005S", "PT0.01S", "PT0.025S", "PT0.05S", "PT0.1S", "PT0.25S", "PT0.5S", "PT1S", "PT2.5S", "PT5S",
      "PT10S", "PT30S", "PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT2H");

  /** A sync point from first arrival to release: 100 ms to 1 h. */
  public static final Duration[] SYNC_POINT = durations(
      "PT0.1S", "PT0.5S", "PT1S", "PT5S", "PT10S", "PT30S", "PT1M", "PT5M", "PT15M", "PT30M", "PT1H");

  /** A plan from acceptance to end: 1 s to 1 day. */
  public static final Duration[] PLAN = durations(
      "PT1S", "PT10S", "PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT2H", "PT4H", "PT12H", "PT24H");

  /** One journal group commit: 1 ms to 10 s. */
  public static final Duration[] JOURNAL = durations(
      "PT0.001S", "PT0.0025S", "PT0.005S", "PT0.01S", "PT0.025S", "PT0.05S", "PT0.1S", "PT0.25S", "PT0.5S",
      "PT1S", "PT2.5S", "PT5S", "PT10S");

  private static Duration[] durations(String... iso) {
    Duration[] d = new Duration[iso.length];
    for (int i = 0; i < iso.length; i++) {
      d[i] = Duration.parse(iso[i]);
    }
    return d;
  }
}

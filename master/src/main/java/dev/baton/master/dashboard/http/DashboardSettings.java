package dev.baton.master.dashboard.http;

import java.time.Duration;

/**
 * The dashboard HTTP server's bounds, each documented in docs/dashboard.md ("Bounds").
 *
 * @param port TCP port on the master's host; 0 takes a free one
 * @param threads request threads (plain JSON requests; streams have their own threads)
 * @param maxStreams event streams open at once over all callers; one more is refused with 429
 * @param streamsPerCaller event streams one caller (token subject, certificate identity) may hold
 * @param keepalive interval of the {@code : keepalive} comments on an idle stream
 * @param plansInterval shortest interval between two {@code plans} events (changes are coalesced)
 * @param dashboardInterval interval of the {@code dashboard} events
 */
public record DashboardSettings(int port, int threads, int maxStreams, int streamsPerCaller, Duration keepalive,
    Duration plansInterval, Duration dashboardInterval) {
  public static final int DEFAULT_THREADS = 8;
  public static final int DEFAULT_MAX_STREAMS = 64;
  public static final int DEFAULT_STREAMS_PER_CALLER = 16;
  public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(15);
  public static final Duration DEFAULT_PLANS_INTERVAL = Duration.ofMillis(500);
  public static final Duration DEFAULT_DASHBOARD_INTERVAL = Duration.ofSeconds(1);

  public DashboardSettings {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("dashboard port: " + port + " (expected: 1..65535, or 0 for a free port)");
    }
    range("threads", threads, 1, 256);
    range("maxStreams", maxStreams, 1, 4096);
    range("streamsPerCaller", streamsPerCaller, 1, maxStreams);
    positive("keepalive", keepalive);
    positive("plansInterval", plansInterval);
    positive("dashboardInterval", dashboardInterval);
  }

  /** The defaults on {@code port}. */
  public static DashboardSettings onPort(int port) {
    return new DashboardSettings(port, DEFAULT_THREADS, DEFAULT_MAX_STREAMS, DEFAULT_STREAMS_PER_CALLER,
        DEFAULT_KEEPALIVE, DEFAULT_PLANS_INTERVAL, DEFAULT_DASHBOARD_INTERVAL);
  }

  public DashboardSettings withKeepalive(Duration d) {
    return new DashboardSettings(port, threads, maxStreams, streamsPerCaller, d, plansInterval, dashboardInterval);
  }

  public DashboardSettings withStreams(int max, int perCaller) {
    return new DashboardSettings(port, threads, max, perCaller, keepalive, plansInterval, dashboardInterval);
  }

  private static void range(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + ".." + max + ")");
    }
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }
}

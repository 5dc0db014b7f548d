package dev.baton.master.engine;

import java.time.Duration;

/**
 * Timings of the scheduler, all wall clock.
 *
 * @param instanceWait how long a ready task (or a reached sync point) waits for an instance of its
 *     domain to register before it fails with "No orchestrator found for specialization: X"
 * @param syncTimeoutFloor least wall-clock wait of a sync point: its timeout is plan time scaled by
 *     the time scale, which would leave a network round trip no chance at tiny scales
 * @param tick how often waits and heartbeat timeouts are re-examined
 */
public record EngineSettings(Duration instanceWait, Duration syncTimeoutFloor, Duration tick) {
  public static final Duration DEFAULT_INSTANCE_WAIT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SYNC_TIMEOUT_FLOOR = Duration.ofSeconds(1);
  public static final Duration DEFAULT_TICK = Duration.ofMillis(250);
  /** Sync timeout in plan time when the plan gives none. */
  public static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofMinutes(2);

  public EngineSettings {
    positive("instanceWait", instanceWait);
    positive("syncTimeoutFloor", syncTimeoutFloor);
    positive("tick", tick);
  }

  public static EngineSettings defaults() {
    return new EngineSettings(DEFAULT_INSTANCE_WAIT, DEFAULT_SYNC_TIMEOUT_FLOOR, DEFAULT_TICK);
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }
}

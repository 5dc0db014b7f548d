package dev.baton.cli;

import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Follows a plan through WatchPlan until it finishes, resuming after the last sequence seen when the
 * stream breaks, so that a restarted connection neither loses nor repeats an event.
 */
final class PlanWatcher {
  /** How long the master may stay unreachable before the watch gives up. */
  static final Duration DEFAULT_MAX_OUTAGE = Duration.ofSeconds(30);

  private static final long FIRST_BACKOFF_MS = 200;
  private static final long MAX_BACKOFF_MS = 2_000;

  private final MasterClient client;
  private final Clock clock;
  private final Duration maxOutage;

  PlanWatcher(MasterClient client, Clock clock, Duration maxOutage) {
    this.client = client;
    this.clock = clock;
    this.maxOutage = maxOutage;
  }

  PlanWatcher(MasterClient client) {
    this(client, Clock.systemUTC(), DEFAULT_MAX_OUTAGE);
  }

  static boolean isTerminal(PlanState state) {
    return switch (state) {
      case PLAN_STATE_SUCCEEDED, PLAN_STATE_FAILED, PLAN_STATE_CANCELLED, PLAN_STATE_DEGRADED -> true;
      default -> false;
    };
  }

  /**
   * Hands every event of the plan, in sequence order and each once, to {@code listener} and returns
   * the plan's final status once it finished.
   */
  PlanStatus follow(String planId, Consumer<PlanEvent> listener) {
    long[] last = {0};
    boolean[] finished = {false};
    long backoff = FIRST_BACKOFF_MS;
    Instant outageSince = null;
    while (true) {
      try {
        client.watch(
            planId,
            last[0],
            event -> {
              if (event.getSequence() <= last[0]) {
                return; // a replay after a resume: seen already
              }
              last[0] = event.getSequence();
              listener.accept(event);
              if (event.hasPlanFinished()) {
                finished[0] = true;
              }
            });
        outageSince = null;
        backoff = FIRST_BACKOFF_MS;
        if (finished[0]) {
          return client.getPlan(planId);
        }
        // The stream ended without the plan finishing (e.g. the master is going away): ask.
        PlanStatus status = client.getPlan(planId);
        if (isTerminal(status.getState()) && status.getLastSequence() <= last[0]) {
          return status;
        }
      } catch (RuntimeException e) {
        if (!MasterClient.isResumable(e)) {
          throw e;
        }
        Instant now = clock.instant();
        if (outageSince == null) {
          outageSince = now;
        } else if (Duration.between(outageSince, now).compareTo(maxOutage) > 0) {
          throw e;
        }
      }
      long jitter = ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff / 2 + jitter));
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
  }
}

package dev.baton.master.recovery;

import java.time.Duration;

/**
 * Waits a bounded grace for the same instance to return (register again, breaker no longer open),
 * then falls through. A returning instance keeps its tasks: executions still running there are
 * watched again, those it lost are started again under the same attempt (Delegate is idempotent).
 */
public final class RestartStrategy implements RecoveryStrategy {
  private final Duration grace;
  private final RecoveryStrategy fallback;

  public RestartStrategy(Duration grace, RecoveryStrategy fallback) {
    this.grace = grace;
    this.fallback = fallback;
  }

  @Override
  public String name() {
    return "restart";
  }

  @Override
  public RecoveryDecision decide(FailureImpact impact) {
    if (impact.instanceBack()) {
      return new RecoveryDecision.Resumed(impact.failedInstance() + " came back within the restart grace of "
          + grace.toMillis() + " ms and keeps its " + impact.tasks().size() + " task(s)");
    }
    if (!impact.graceExpired()) {
      return new RecoveryDecision.Restart(grace, "waiting up to " + grace.toMillis() + " ms for "
          + impact.failedInstance() + " to come back");
    }
    RecoveryDecision next = fallback.decide(impact);
    return withPrefix(next, impact.failedInstance() + " did not come back within " + grace.toMillis() + " ms; ");
  }

  static RecoveryDecision withPrefix(RecoveryDecision d, String prefix) {
    if (d instanceof RecoveryDecision.Restart r) {
      return new RecoveryDecision.Restart(r.grace(), prefix + r.reason());
    } else if (d instanceof RecoveryDecision.Resumed r) {
      return new RecoveryDecision.Resumed(prefix + r.reason());
    } else if (d instanceof RecoveryDecision.Failover f) {
      return new RecoveryDecision.Failover(f.backup(), prefix + f.reason());
    } else if (d instanceof RecoveryDecision.Redistribute r) {
      return new RecoveryDecision.Redistribute(r.toDomain(), r.why(), r.uncovered(), prefix + r.reason());
    } else {
      return new RecoveryDecision.Degrade(prefix + d.reason());
    }
  }
}

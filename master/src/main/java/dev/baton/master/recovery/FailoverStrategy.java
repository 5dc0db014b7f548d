package dev.baton.master.recovery;

/** Moves all the failed instance's tasks to the best backup of its domain; without one, redistributes. */
public final class FailoverStrategy implements RecoveryStrategy {
  private final RecoveryStrategy fallback;

  public FailoverStrategy(RecoveryStrategy fallback) {
    this.fallback = fallback;
  }

  @Override
  public String name() {
    return "failover";
  }

  @Override
  public RecoveryDecision decide(FailureImpact impact) {
    if (!impact.backups().isEmpty()) {
      String backup = impact.backups().get(0);
      return new RecoveryDecision.Failover(backup, impact.tasks().size() + " task(s) of " + impact.failedInstance()
          + " (" + impact.detection() + ") moved to " + backup);
    }
    return RestartStrategy.withPrefix(fallback.decide(impact),
        "no healthy " + impact.domain() + " instance left for failover; ");
  }
}

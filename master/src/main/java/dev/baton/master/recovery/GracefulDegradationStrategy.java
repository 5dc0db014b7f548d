package dev.baton.master.recovery;

import dev.baton.master.plan.PlanModel;

/**
 * Gives up the failed instance's tasks rather than moving them: they end degraded, whatever
 * depends on them is skipped, the rest of the plan finishes, and the plan ends DEGRADED with the
 * reason. The plan chose this, so it applies even when a replica is left.
 */
public final class GracefulDegradationStrategy implements RecoveryStrategy {

  @Override
  public String name() {
    return "graceful_degradation";
  }

  @Override
  public RecoveryDecision decide(FailureImpact impact) {
    return new RecoveryDecision.Degrade("instance " + impact.failedInstance() + " failed (" + impact.detection()
        + "); degraded: " + String.join(", ", impact.tasks().stream().map(PlanModel.Task::id).toList()));
  }
}

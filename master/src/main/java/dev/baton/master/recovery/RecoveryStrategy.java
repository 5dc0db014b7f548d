package dev.baton.master.recovery;

import dev.baton.master.plan.PlanModel;
import dev.baton.master.resilience.ResilienceConfig;

/**
 * One way to recover from a failed instance: the seed's selectRecoveryStrategy picks one by the
 * plan's failureHandling, and each falls through to the next when it cannot act (restart past its
 * grace -> failover; failover without a backup -> redistribute; redistribute leaves the tasks no
 * domain covers waiting for their own domain, which fails them after instanceWait). Pure: the
 * engine assesses the impact and carries out the decision.
 */
public interface RecoveryStrategy {

  /** The plan-format word. */
  String name();

  RecoveryDecision decide(FailureImpact impact);

  /** The strategy chain for a plan's failureHandling. */
  static RecoveryStrategy of(PlanModel.FailureHandling handling, ResilienceConfig config) {
    RecoveryStrategy redistribute = new RedistributeStrategy();
    RecoveryStrategy failover = new FailoverStrategy(redistribute);
    return switch (handling) {
      case RESTART -> new RestartStrategy(config.restartGrace(), failover);
      case FAILOVER -> failover;
      case REDISTRIBUTE -> redistribute;
      case GRACEFUL_DEGRADATION -> new GracefulDegradationStrategy();
    };
  }
}

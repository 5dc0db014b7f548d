package dev.baton.master.balance;

import dev.baton.master.plan.PlanModel;
import java.util.List;

/** Picks one of a domain's candidate instances for a task. Implementations are thread-confined to the scheduler. */
public interface LoadBalancingPolicy {

  /** The plan-format word of the policy, reported in TaskDelegated. */
  String name();

  /** Chooses among {@code candidates} (not empty, ordered by instance id). */
  Choice choose(PlanModel.Task task, List<Candidate> candidates);

  /** A fresh policy of the kind a plan names; a master shares them through {@link Policies}. */
  static LoadBalancingPolicy of(PlanModel.DelegationPolicy policy) {
    return switch (policy) {
      case SCORE -> new ScorePolicy();
      case ROUND_ROBIN -> new RoundRobinPolicy();
      case LEAST_LOADED -> new LeastLoadedPolicy();
    };
  }
}

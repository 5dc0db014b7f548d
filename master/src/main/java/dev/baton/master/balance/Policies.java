package dev.baton.master.balance;

import dev.baton.master.plan.PlanModel;
import java.util.EnumMap;
import java.util.Map;

/**
 * One policy of each kind per master, shared by all its plans: round_robin's turn must span plans,
 * or two plans running at once would both start on the same replica. Scheduler thread only.
 */
public final class Policies {
  private final Map<PlanModel.DelegationPolicy, LoadBalancingPolicy> policies =
      new EnumMap<>(PlanModel.DelegationPolicy.class);

  public LoadBalancingPolicy of(PlanModel.DelegationPolicy policy) {
    return policies.computeIfAbsent(policy, LoadBalancingPolicy::of);
  }
}

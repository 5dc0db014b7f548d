package dev.baton.master.balance;

import dev.baton.master.plan.PlanModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Takes a domain's candidates in turn (by instance id), ignoring load. */
public final class RoundRobinPolicy implements LoadBalancingPolicy {
  private final Map<String, Integer> next = new HashMap<>();

  @Override
  public String name() {
    return "round_robin";
  }

  @Override
  public Choice choose(PlanModel.Task task, List<Candidate> candidates) {
    int i = next.getOrDefault(task.domain(), 0);
    Candidate c = candidates.get(Math.floorMod(i, candidates.size()));
    next.put(task.domain(), i + 1);
    return new Choice(c, 0);
  }
}

package dev.baton.master.balance;

import dev.baton.master.plan.PlanModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes the candidate with the lowest share of busy and queued slots, (current + queued) / max; the
 * first (lowest id) on a tie. The reported score is that share.
 */
public final class LeastLoadedPolicy implements LoadBalancingPolicy {

  @Override
  public String name() {
    return "least_loaded";
  }

  @Override
  public Choice choose(PlanModel.Task task, List<Candidate> candidates) {
    Candidate best = null;
    double bestLoad = 0;
    Map<String, Double> scores = new LinkedHashMap<>();
    for (Candidate c : candidates) {
      double load = loadOf(c);
      scores.put(c.id(), load);
      if (best == null || load < bestLoad) {
        best = c;
        bestLoad = load;
      }
    }
    return new Choice(best, bestLoad, scores);
  }

  static double loadOf(Candidate c) {
    return (double) (c.currentTasks() + c.instance().load().getQueueLength()) / c.maxConcurrentTasks();
  }
}

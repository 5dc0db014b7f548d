package dev.baton.master.balance;

import dev.baton.master.plan.PlanModel;
import java.util.List;

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
    Choice best = null;
    for (Candidate c : candidates) {
      double load = loadOf(c);
      if (best == null || load < best.score()) {
        best = new Choice(c, load);
      }
    }
    return best;
  }

  static double loadOf(Candidate c) {
    return (double) (c.currentTasks() + c.instance().load().getQueueLength()) / c.maxConcurrentTasks();
  }
}

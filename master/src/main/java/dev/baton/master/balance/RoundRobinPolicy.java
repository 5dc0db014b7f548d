package dev.baton.master.balance;

import dev.baton.master.plan.PlanModel;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes a domain's candidates in turn, ignoring load: the candidate chosen least recently wins, one
 * never chosen first (lowest id on a tie). Keyed by instance rather than by position in the list,
 * so the rotation stays exact while replicas come and go, and a new replica gets the very next
 * task. One instance is shared by every plan of a master (see {@link Policies}), so the turn is
 * fair per domain across plans. The reported score is the instance's turn number (0 = never).
 */
public final class RoundRobinPolicy implements LoadBalancingPolicy {
  private final Map<String, Long> lastChosen = new HashMap<>();
  private long turn;

  @Override
  public String name() {
    return "round_robin";
  }

  @Override
  public Choice choose(PlanModel.Task task, List<Candidate> candidates) {
    Candidate best = null;
    long bestTurn = Long.MAX_VALUE;
    Map<String, Double> scores = new LinkedHashMap<>();
    for (Candidate c : candidates) {
      long t = lastChosen.getOrDefault(c.id(), 0L);
      scores.put(c.id(), (double) t);
      if (t < bestTurn) {
        best = c;
        bestTurn = t;
      }
    }
    lastChosen.put(best.id(), ++turn);
    return new Choice(best, bestTurn, scores);
  }
}

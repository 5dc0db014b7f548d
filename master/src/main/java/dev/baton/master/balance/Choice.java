package dev.baton.master.balance;

import java.util.Map;

/**
 * The chosen candidate, the value the policy ranked it by (the score, the load share, or the
 * round-robin turn), and that value for every candidate weighed, for the TaskDelegated event.
 */
public record Choice(Candidate candidate, double score, Map<String, Double> scores) {

  public Choice {
    scores = Map.copyOf(scores);
  }

  public Choice(Candidate candidate, double score) {
    this(candidate, score, Map.of(candidate.id(), score));
  }
}

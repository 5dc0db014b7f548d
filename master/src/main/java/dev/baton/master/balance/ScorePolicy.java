package dev.baton.master.balance;

import dev.baton.master.plan.PlanModel;
import dev.baton.runtime.text.Words;
import dev.baton.v1.Droid;
import dev.baton.v1.SubOrchestratorDescriptor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The seed's load-balancing score; the highest wins, the first (lowest id) on a tie.
 *
 * <pre>
 * score = 100 - current_tasks / max_concurrent_tasks * 30
 *             + expertise_match * 20
 *             - recent_failure_rate * 25
 *             + max(0, 10 - avg_completion_time_seconds / 60)
 * floored at 0
 * </pre>
 */
public final class ScorePolicy implements LoadBalancingPolicy {
  private static final Set<String> STOP_WORDS = Set.of(
      "the", "and", "for", "with", "from", "into", "that", "this", "are", "its", "our", "all", "per", "via");

  @Override
  public String name() {
    return "score";
  }

  @Override
  public Choice choose(PlanModel.Task task, List<Candidate> candidates) {
    Candidate best = null;
    double bestScore = 0;
    Map<String, Double> scores = new LinkedHashMap<>();
    Set<String> taskWords = words(taskText(task));
    for (Candidate c : candidates) {
      double s = score(taskWords, c);
      scores.put(c.id(), s);
      if (best == null || s > bestScore) {
        best = c;
        bestScore = s;
      }
    }
    return new Choice(best, bestScore, scores);
  }

  /** The seed's formula for one candidate. */
  public static double score(PlanModel.Task task, Candidate c) {
    return score(words(taskText(task)), c);
  }

  private static double score(Set<String> taskWords, Candidate c) {
    var load = c.instance().load();
    double match = expertiseMatch(taskWords, c.instance().descriptor());
    return score(c.currentTasks(), c.maxConcurrentTasks(), match,
        load.getRecentFailureRate(), load.getAvgCompletionTimeSeconds());
  }

  /** The formula on plain numbers. */
  public static double score(int currentTasks, int maxConcurrentTasks, double expertiseMatch,
      double recentFailureRate, double avgCompletionTimeSeconds) {
    double score = 100;
    score -= (double) currentTasks / Math.max(1, maxConcurrentTasks) * 30;
    score += expertiseMatch * 20;
    score -= recentFailureRate * 25;
    score += Math.max(0, 10 - avgCompletionTimeSeconds / 60);
    return Math.max(0, score);
  }

  /**
   * Share of the task's words (lower case, 3+ letters, no stop words) found among the words of the
   * instance's domain expertise, expertise and droids' expertise, 0..1.
   */
  public static double expertiseMatch(String taskText, SubOrchestratorDescriptor d) {
    return expertiseMatch(words(taskText), d);
  }

  private static double expertiseMatch(Set<String> taskWords, SubOrchestratorDescriptor d) {
    if (taskWords.isEmpty()) {
      return 0;
    }
    Set<String> known = VOCABULARIES.computeIfAbsent(d, ScorePolicy::vocabulary);
    int hits = 0;
    for (String w : taskWords) {
      if (known.contains(w)) {
        hits++;
      }
    }
    return (double) hits / taskWords.size();
  }

  /**
   * The words of each descriptor seen, since every dispatch asks for them and a descriptor changes
   * only when its instance registers again. Weak keys: a replaced descriptor is dropped with it.
   */
  private static final Map<SubOrchestratorDescriptor, Set<String>> VOCABULARIES =
      Collections.synchronizedMap(new WeakHashMap<>());

  private static Set<String> vocabulary(SubOrchestratorDescriptor d) {
    StringBuilder vocab = new StringBuilder();
    d.getCapabilities().getDomainExpertiseList().forEach(w -> vocab.append(' ').append(w));
    d.getSpecialization().getExpertiseList().forEach(w -> vocab.append(' ').append(w));
    for (Droid droid : d.getDroidsList()) {
      droid.getExpertiseList().forEach(w -> vocab.append(' ').append(w));
    }
    return words(vocab.toString());
  }

  /** The text of a task the expertise match reads. */
  public static String taskText(PlanModel.Task task) {
    return task.description();
  }

  /** The text's words 3+ long, without stop words (see {@link Words#of}). */
  static Set<String> words(String text) {
    Set<String> out = new LinkedHashSet<>();
    for (String w : Words.of(text)) {
      if (w.length() >= 3 && !STOP_WORDS.contains(w)) {
        out.add(w);
      }
    }
    return out;
  }
}

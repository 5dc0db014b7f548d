package dev.baton.master.plan;

import dev.baton.master.plan.DomainKeywords.Category;
import dev.baton.master.plan.DomainKeywords.Keyword;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The seed's DomainAnalysis: how much of a text, and of a whole plan, falls in each of the six
 * domains (frontend, backend, devops, testing, data, security), by the tables of
 * {@link DomainKeywords}.
 */
final class DomainAnalyzer {
  private DomainAnalyzer() {}

  /** The keyword weight of one text per category, and the words of the text that matched. */
  record TextScore(Map<Category, Integer> weights, Map<Category, Set<String>> matched) {
    int total() {
      return weights.values().stream().mapToInt(Integer::intValue).sum();
    }

    int weight(Category c) {
      return weights.getOrDefault(c, 0);
    }

    Set<String> words(Category c) {
      return matched.getOrDefault(c, Set.of());
    }
  }

  static TextScore score(String text) {
    List<String> tokens = DomainKeywords.tokens(text);
    boolean[] consumed = new boolean[tokens.size()];
    Map<Category, Integer> weights = new EnumMap<>(Category.class);
    Map<Category, Set<String>> matched = new EnumMap<>(Category.class);
    for (Keyword k : DomainKeywords.ALL) {
      for (int at = 0; at < tokens.size(); at++) {
        if (free(consumed, at, k.words().size()) && k.matches(tokens, at)) {
          List<String> words = new ArrayList<>();
          for (int i = at; i < at + k.words().size(); i++) {
            consumed[i] = true;
            words.add(tokens.get(i));
          }
          weights.merge(k.category(), k.weight(), Integer::sum);
          matched.computeIfAbsent(k.category(), c -> new LinkedHashSet<>()).add(String.join(" ", words));
        }
      }
    }
    return new TextScore(weights, matched);
  }

  private static boolean free(boolean[] consumed, int at, int length) {
    for (int i = at; i < at + length && i < consumed.length; i++) {
      if (consumed[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The text a task is analysed by: its description (its id when it has none) and requirements.
   * The description is counted twice: it names the work, while requirements often mention the
   * neighbouring domains the work touches ("API integration tests" whose requirement names the
   * API's endpoints is testing work, not backend work).
   */
  static String taskText(String id, String description, List<String> requirements) {
    String head = description.isBlank() ? id.replace('-', ' ') : description;
    return requirements.isEmpty()
        ? head
        : head + ". " + head + ". " + String.join(". ", requirements);
  }

  /**
   * The plan's analysis: each task contributes its text's shares of the six categories (a task
   * whose text matches nothing contributes wholly to the domain it is assigned), and the plan's
   * complexity per category is the mean over its tasks, so each lies in 0..1 and they sum to 1.
   */
  static PlanModel.DomainAnalysis analyse(List<PlanModel.Task> tasks) {
    double[] sums = new double[Category.values().length];
    for (PlanModel.Task t : tasks) {
      TextScore s = score(taskText(t.id(), t.description(), t.requirements()));
      int total = s.total();
      if (total == 0) {
        sums[Category.valueOf(t.domain().toUpperCase(Locale.ROOT)).ordinal()] += 1;
        continue;
      }
      for (Category c : Category.values()) {
        sums[c.ordinal()] += (double) s.weight(c) / total;
      }
    }
    int n = Math.max(1, tasks.size());
    return new PlanModel.DomainAnalysis(
        round(sums[Category.FRONTEND.ordinal()] / n),
        round(sums[Category.BACKEND.ordinal()] / n),
        round(sums[Category.DEVOPS.ordinal()] / n),
        round(sums[Category.TESTING.ordinal()] / n),
        round(sums[Category.DATA.ordinal()] / n),
        round(sums[Category.SECURITY.ordinal()] / n));
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}

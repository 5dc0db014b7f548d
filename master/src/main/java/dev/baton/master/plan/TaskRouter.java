package dev.baton.master.plan;

import dev.baton.master.plan.DomainAnalyzer.TextScore;
import dev.baton.master.plan.DomainKeywords.Category;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Gives a task that names no orchestrator the domain whose expertise fits its text best, with a
 * reason a person can check: {@code routed to backend: matched 'api', 'authentication' (score 0.67;
 * next frontend 0.20)}. The score is the domain's share of the text's keyword weight after data and
 * security are folded into their owning domains (see {@link DomainKeywords}). Ties go to the first
 * domain in {@link PlanModel#DOMAINS} order (frontend, backend, devops, testing), so routing is
 * deterministic.
 */
final class TaskRouter {
  static final String NAMED = "named by the plan";

  private TaskRouter() {}

  /** The routing of a task whose plan named {@code domain}. */
  static PlanModel.Routing named(String domain) {
    return new PlanModel.Routing(domain, NAMED, true, 1.0);
  }

  /**
   * Routes by text.
   *
   * @throws PlanException when no domain's keywords match at all
   */
  static PlanModel.Routing route(String text, Places places, String path, String id) {
    TextScore s = DomainAnalyzer.score(text);
    int[] weights = new int[PlanModel.DOMAINS.size()];
    List<Set<String>> words = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      words.add(new LinkedHashSet<>());
    }
    fold(s, Category.FRONTEND, 0, weights, words);
    fold(s, Category.BACKEND, 1, weights, words);
    fold(s, Category.DEVOPS, 2, weights, words);
    fold(s, Category.TESTING, 3, weights, words);
    fold(s, Category.DATA, 1, weights, words);
    int securityOwner = s.weight(Category.TESTING) > 0 ? 3 : s.weight(Category.DEVOPS) > 0 ? 2 : 1;
    fold(s, Category.SECURITY, securityOwner, weights, words);

    int total = s.total();
    if (total == 0) {
      throw places.fail(
          path, "'" + id + "': cannot route: no domain's expertise matches its text (name one with orchestrator: "
              + String.join("|", PlanModel.DOMAINS) + ")");
    }
    int best = 0;
    for (int i = 1; i < weights.length; i++) {
      if (weights[i] > weights[best]) {
        best = i;
      }
    }
    int next = -1;
    for (int i = 0; i < weights.length; i++) {
      if (i != best && weights[i] > 0 && (next < 0 || weights[i] > weights[next])) {
        next = i;
      }
    }
    double score = (double) weights[best] / total;
    String matched = words.get(best).stream().limit(6).map(w -> "'" + w + "'").collect(Collectors.joining(", "));
    String domain = PlanModel.DOMAINS.get(best);
    String reason = String.format(
        Locale.ROOT, "routed to %s: matched %s (score %.2f%s)", domain, matched, score,
        next < 0 ? "" : String.format(Locale.ROOT, "; next %s %.2f", PlanModel.DOMAINS.get(next),
            (double) weights[next] / total));
    return new PlanModel.Routing(domain, reason, false, DomainAnalyzer.round(score));
  }

  private static void fold(TextScore s, Category c, int domain, int[] weights, List<Set<String>> words) {
    weights[domain] += s.weight(c);
    words.get(domain).addAll(s.words(c));
  }
}

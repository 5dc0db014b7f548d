package dev.baton.master.plan;

import dev.baton.master.plan.DomainAnalyzer.TextScore;
import dev.baton.master.plan.DomainKeywords.Category;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The router's view of a task, for code outside the compiler: each domain's share (0..1) of the
 * keyword weight of the task's text, with data and security folded into their owning domains the
 * way {@link TaskRouter} folds them. Recovery reads it to find other domains that cover a task
 * whose own domain has no instance left.
 */
public final class RoutingScores {
  private RoutingScores() {}

  /** Domain -> share, in {@link PlanModel#DOMAINS} order; all 0 when nothing in the text matches. */
  public static Map<String, Double> of(PlanModel.Task task) {
    TextScore s = DomainAnalyzer.score(DomainAnalyzer.taskText(task.id(), task.description(), task.requirements()));
    double[] w = new double[PlanModel.DOMAINS.size()];
    w[0] += s.weight(Category.FRONTEND);
    w[1] += s.weight(Category.BACKEND) + s.weight(Category.DATA);
    w[2] += s.weight(Category.DEVOPS);
    w[3] += s.weight(Category.TESTING);
    int securityOwner = s.weight(Category.TESTING) > 0 ? 3 : s.weight(Category.DEVOPS) > 0 ? 2 : 1;
    w[securityOwner] += s.weight(Category.SECURITY);
    int total = s.total();
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < w.length; i++) {
      out.put(PlanModel.DOMAINS.get(i), total == 0 ? 0 : DomainAnalyzer.round(w[i] / total));
    }
    return out;
  }
}

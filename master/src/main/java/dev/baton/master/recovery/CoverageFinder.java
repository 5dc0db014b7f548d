package dev.baton.master.recovery;

import dev.baton.master.balance.ScorePolicy;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.plan.RoutingScores;
import dev.baton.master.registry.Instance;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the other domain that covers a task best: coverage is the better of the router's share of
 * the task's text for that domain (what the plan compiler would have said) and the best expertise
 * match among that domain's live instances (what the registered descriptors say). Only domains
 * with a live instance are considered; ties go to the first in {@link PlanModel#DOMAINS} order.
 */
public final class CoverageFinder {
  private final double minCoverage;

  public CoverageFinder(double minCoverage) {
    this.minCoverage = minCoverage;
  }

  /**
   * @param live live instances (healthy, breaker not open) of every domain
   */
  public Optional<Coverage> best(PlanModel.Task task, String excludedDomain, List<Instance> live) {
    Map<String, Double> routing = RoutingScores.of(task);
    String text = ScorePolicy.taskText(task);
    Coverage best = null;
    for (String domain : live.stream().map(Instance::domain).distinct().sorted(CoverageFinder::byDomainOrder).toList()) {
      if (domain.equals(excludedDomain)) {
        continue;
      }
      double share = routing.getOrDefault(domain, 0.0);
      double match = 0;
      String matchedOn = "";
      for (Instance i : live) {
        if (i.domain().equals(domain)) {
          double m = ScorePolicy.expertiseMatch(text, i.descriptor());
          if (m > match) {
            match = m;
            matchedOn = i.id();
          }
        }
      }
      double c = Math.max(share, match);
      if (c >= minCoverage && c > 0 && (best == null || c > best.coverage())) {
        best = new Coverage(domain, c, String.format(Locale.ROOT, "coverage %.2f (routing share %.2f, expertise match %.2f%s)",
            c, share, match, matchedOn.isEmpty() ? "" : " on " + matchedOn));
      }
    }
    return Optional.ofNullable(best);
  }

  private static int byDomainOrder(String a, String b) {
    int ia = PlanModel.DOMAINS.indexOf(a);
    int ib = PlanModel.DOMAINS.indexOf(b);
    ia = ia < 0 ? Integer.MAX_VALUE : ia;
    ib = ib < 0 ? Integer.MAX_VALUE : ib;
    return ia != ib ? Integer.compare(ia, ib) : a.compareTo(b);
  }
}

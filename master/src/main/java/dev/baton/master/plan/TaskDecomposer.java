package dev.baton.master.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The seed's HierarchicalTaskDecomposer, after routing: one OrchestratorTaskAssignment per domain
 * that has tasks, in {@link PlanModel#DOMAINS} order, with its tasks in plan order, their summed
 * estimate, the other domains it waits for (through task dependencies or sync-point gates, which
 * the seed keys by orchestrator) and the highest priority among its tasks.
 */
final class TaskDecomposer {
  private TaskDecomposer() {}

  static List<PlanModel.Assignment> assignments(TaskGraph graph) {
    List<PlanModel.Assignment> result = new ArrayList<>();
    for (String domain : PlanModel.DOMAINS) {
      List<String> ids = new ArrayList<>();
      long millis = 0;
      PlanModel.Priority priority = PlanModel.Priority.LOW;
      Set<String> waitsFor = new TreeSet<>((a, b) -> PlanModel.DOMAINS.indexOf(a) - PlanModel.DOMAINS.indexOf(b));
      for (int i = 0; i < graph.size(); i++) {
        PlanModel.Task t = graph.task(i);
        if (!t.domain().equals(domain)) {
          continue;
        }
        ids.add(t.id());
        millis += t.estimate().toMillis();
        if (t.priority().compareTo(priority) > 0) {
          priority = t.priority();
        }
        for (int p : graph.prerequisites(i)) {
          String other = graph.task(p).domain();
          if (!other.equals(domain)) {
            waitsFor.add(other);
          }
        }
      }
      if (!ids.isEmpty()) {
        result.add(new PlanModel.Assignment(
            domain, List.copyOf(ids), millis / 60_000.0, List.copyOf(waitsFor), priority));
      }
    }
    return List.copyOf(result);
  }
}

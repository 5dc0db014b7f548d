package dev.baton.master.engine;

import dev.baton.master.plan.PlanModel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * One task at a time across the whole plan, in topological order (ties in plan order), each behind
 * a checkpoint of every task's state so a failed attempt can be rolled back and retried.
 */
public final class SequentialCheckpointedStrategy implements ExecutionStrategy {
  private final Map<String, Integer> rank;
  private final List<String> allTaskIds;

  public SequentialCheckpointedStrategy(PlanModel.Plan plan) {
    this.rank = topologicalRank(plan);
    this.allTaskIds = plan.tasks().stream().map(PlanModel.Task::id).toList();
  }

  @Override
  public List<PlanModel.Task> admit(List<PlanModel.Task> ready, Collection<PlanModel.Task> inFlight) {
    if (!inFlight.isEmpty() || ready.isEmpty()) {
      return List.of();
    }
    PlanModel.Task first = ready.get(0);
    for (PlanModel.Task t : ready) {
      if (rank.get(t.id()) < rank.get(first.id())) {
        first = t;
      }
    }
    return List.of(first);
  }

  @Override
  public List<String> checkpointScope(PlanModel.Task task) {
    return allTaskIds;
  }

  /** Kahn's algorithm over task dependencies and sync gates, taking the lowest plan index first. */
  static Map<String, Integer> topologicalRank(PlanModel.Plan plan) {
    Map<String, List<String>> prerequisites = new HashMap<>();
    for (PlanModel.Task t : plan.tasks()) {
      prerequisites.put(t.id(), new ArrayList<>(t.dependsOn()));
    }
    for (PlanModel.SyncPoint sp : plan.syncPoints()) {
      for (String b : sp.before()) {
        prerequisites.get(b).addAll(sp.after());
      }
    }
    Map<String, Integer> indegree = new HashMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    for (PlanModel.Task t : plan.tasks()) {
      indegree.put(t.id(), prerequisites.get(t.id()).size());
      for (String p : prerequisites.get(t.id())) {
        dependents.computeIfAbsent(p, k -> new ArrayList<>()).add(t.id());
      }
    }
    PriorityQueue<PlanModel.Task> queue = new PriorityQueue<>((a, b) -> Integer.compare(a.index(), b.index()));
    for (PlanModel.Task t : plan.tasks()) {
      if (indegree.get(t.id()) == 0) {
        queue.add(t);
      }
    }
    Map<String, Integer> rank = new HashMap<>();
    while (!queue.isEmpty()) {
      PlanModel.Task t = queue.poll();
      rank.put(t.id(), rank.size());
      for (String d : dependents.getOrDefault(t.id(), List.of())) {
        if (indegree.merge(d, -1, Integer::sum) == 0) {
          queue.add(plan.task(d));
        }
      }
    }
    // The compiler refuses cycles; rank whatever a cycle would leave out last, in plan order.
    for (PlanModel.Task t : plan.tasks()) {
      rank.putIfAbsent(t.id(), rank.size());
    }
    return rank;
  }
}

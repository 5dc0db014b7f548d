package dev.baton.master.engine;

import dev.baton.master.plan.PlanModel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Domains run in parallel; within a domain one task at a time, each behind a checkpoint of that
 * domain's tasks (a rollback leaves other domains' work alone). When a domain is free it starts,
 * of its ready tasks, the one with the most remaining work (its estimate plus the longest chain of
 * estimates waiting for it, {@link TaskIndex#rank}), the earliest in plan order on a tie: the same
 * priority the dispatch queues give under {@code parallel}, so a domain's short side task never
 * delays the chain the whole plan waits for.
 *
 * <p>Only ready tasks are considered: a domain does not idle waiting for a task of its own that
 * waits on another domain, which could deadlock when the plan lists a task before its dependency.
 * Pure, and called on the scheduler thread only.
 */
public final class HybridParallelSequentialStrategy implements ExecutionStrategy {
  private final PlanModel.Plan plan;
  private final TaskIndex index;

  public HybridParallelSequentialStrategy(PlanModel.Plan plan) {
    this.plan = plan;
    this.index = new TaskIndex(plan);
  }

  @Override
  public List<PlanModel.Task> admit(List<PlanModel.Task> ready, Collection<PlanModel.Task> inFlight) {
    Set<String> busy = new HashSet<>();
    for (PlanModel.Task t : inFlight) {
      busy.add(t.domain());
    }
    Map<String, PlanModel.Task> best = new LinkedHashMap<>();
    for (PlanModel.Task t : ready) { // plan order: a later task must have strictly more remaining work
      if (!busy.contains(t.domain())) {
        best.merge(t.domain(), t, (held, candidate) -> index.rank(candidate.id()) > index.rank(held.id())
            ? candidate : held);
      }
    }
    return new ArrayList<>(best.values());
  }

  @Override
  public List<String> checkpointScope(PlanModel.Task task) {
    return plan.tasks().stream().filter(t -> t.domain().equals(task.domain())).map(PlanModel.Task::id).toList();
  }
}

package dev.baton.master.engine;

import dev.baton.master.plan.PlanModel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Domains run in parallel; within a domain one task at a time, the earliest ready one in plan
 * order, each behind a checkpoint of that domain's tasks (a rollback leaves other domains' work
 * alone).
 *
 * <p>"Plan order" is followed among ready tasks only: a domain does not idle waiting for an earlier
 * task of its own that waits on another domain, which could deadlock when the plan lists a task
 * before its dependency.
 */
public final class HybridParallelSequentialStrategy implements ExecutionStrategy {
  private final PlanModel.Plan plan;

  public HybridParallelSequentialStrategy(PlanModel.Plan plan) {
    this.plan = plan;
  }

  @Override
  public List<PlanModel.Task> admit(List<PlanModel.Task> ready, Collection<PlanModel.Task> inFlight) {
    Set<String> busy = new HashSet<>();
    for (PlanModel.Task t : inFlight) {
      busy.add(t.domain());
    }
    List<PlanModel.Task> admitted = new ArrayList<>();
    for (PlanModel.Task t : ready) { // plan order: the first ready task of a free domain wins
      if (busy.add(t.domain())) {
        admitted.add(t);
      }
    }
    return admitted;
  }

  @Override
  public List<String> checkpointScope(PlanModel.Task task) {
    return plan.tasks().stream().filter(t -> t.domain().equals(task.domain())).map(PlanModel.Task::id).toList();
  }
}

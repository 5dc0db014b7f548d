package dev.baton.master.engine;

import dev.baton.master.plan.PlanModel;
import java.util.Collection;
import java.util.List;

/**
 * Every ready task starts at once; the only bound is each instance's max_concurrent_tasks, which
 * the dispatcher enforces by holding tasks back while every instance of their domain is full.
 */
public final class ParallelStrategy implements ExecutionStrategy {

  @Override
  public List<PlanModel.Task> admit(List<PlanModel.Task> ready, Collection<PlanModel.Task> inFlight) {
    return ready;
  }

  @Override
  public List<String> checkpointScope(PlanModel.Task task) {
    return List.of();
  }
}

package dev.baton.master.engine;

import dev.baton.master.plan.PlanModel;
import java.util.Collection;
import java.util.List;

/**
 * How many of a plan's ready tasks may run at once, and whether each is guarded by a checkpoint.
 * One class per strategy of the plan format; all are pure functions of what is ready and in flight.
 */
public interface ExecutionStrategy {

  /**
   * Of the tasks whose dependencies and gates are met (in plan order), those to start now.
   *
   * @param inFlight tasks admitted earlier and not finished (running, waiting for an instance, or
   *     backing off before a retry)
   */
  List<PlanModel.Task> admit(List<PlanModel.Task> ready, Collection<PlanModel.Task> inFlight);

  /** Ids of the tasks whose state a checkpoint before {@code task} holds; empty for none. */
  List<String> checkpointScope(PlanModel.Task task);

  /** The strategy the plan names. */
  static ExecutionStrategy of(PlanModel.Plan plan) {
    return switch (plan.strategy()) {
      case PARALLEL -> new ParallelStrategy();
      case SEQUENTIAL_CHECKPOINTED -> new SequentialCheckpointedStrategy(plan);
      case HYBRID_PARALLEL_SEQUENTIAL -> new HybridParallelSequentialStrategy(plan);
    };
  }
}

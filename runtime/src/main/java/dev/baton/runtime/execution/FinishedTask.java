package dev.baton.runtime.execution;

import dev.baton.v1.Deliverable;
import java.util.List;
import java.util.Map;

/**
 * A task of a plan this instance finished successfully, with what it produced (for sync points).
 *
 * @param declaredKinds path -> the document kind the plan declared for it ({@code publishes})
 */
public record FinishedTask(String planId, String taskId, int attempt, String droid, List<Deliverable> deliverables,
    Map<String, String> declaredKinds) {
  public FinishedTask {
    deliverables = List.copyOf(deliverables);
    declaredKinds = Map.copyOf(declaredKinds);
  }

  public FinishedTask(String planId, String taskId, int attempt, String droid, List<Deliverable> deliverables) {
    this(planId, taskId, attempt, droid, deliverables, Map.of());
  }
}

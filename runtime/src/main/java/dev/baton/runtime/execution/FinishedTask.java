package dev.baton.runtime.execution;

import dev.baton.v1.Deliverable;
import java.util.List;

/** A task of a plan this instance finished successfully, with what it produced (for sync points). */
public record FinishedTask(String planId, String taskId, int attempt, String droid, List<Deliverable> deliverables) {
  public FinishedTask {
    deliverables = List.copyOf(deliverables);
  }
}

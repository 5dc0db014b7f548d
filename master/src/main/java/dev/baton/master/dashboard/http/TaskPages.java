package dev.baton.master.dashboard.http;

import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskStatus;

/** A task page's details beyond its {@link TaskStatus}: found by the master (MasterServer wires it). */
@FunctionalInterface
public interface TaskPages {
  /**
   * The details of {@code task} of {@code plan} as one JSON object's members (without braces), each
   * member of {@code GET /api/plans/{plan}/tasks/{task}} but {@code task}; empty strings when unknown.
   */
  String details(PlanStatus plan, TaskStatus task);

  /** Nothing known beyond the status. */
  TaskPages NONE = (plan, task) -> "\"prompt\":\"\",\"droidEvents\":[],\"usage\":null,\"commit\":\"\","
      + "\"diffstat\":\"\",\"outputTail\":\"\",\"droidEventsNote\":\"\"";
}

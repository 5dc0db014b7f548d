package dev.baton.master.recovery;

import dev.baton.master.plan.PlanModel;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a failed instance leaves behind in one plan: the seed's assessFailureImpact.
 *
 * @param tasks this plan's tasks delegated to the instance and not finished (running or queued there)
 * @param tasksAcrossPlans the same count over every running plan, for the log
 * @param backups healthy instances of the same domain whose breaker lets work through, best first
 * @param covering per task id, the other domain that covers it best (absent: none covers it enough)
 * @param instanceBack the failed instance is healthy again and its breaker no longer open
 * @param graceExpired the restart grace for this failure has run out
 */
public record FailureImpact(
    String failedInstance,
    String domain,
    String detection,
    Instant detectedAt,
    List<PlanModel.Task> tasks,
    int tasksAcrossPlans,
    List<String> backups,
    Map<String, Coverage> covering,
    boolean instanceBack,
    boolean graceExpired) {

  public FailureImpact {
    tasks = List.copyOf(tasks);
    backups = List.copyOf(backups);
    covering = Map.copyOf(covering);
  }
}

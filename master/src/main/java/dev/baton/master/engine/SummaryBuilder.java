package dev.baton.master.engine;

import dev.baton.master.plan.PlanModel;
import dev.baton.v1.LevelSummary;
import dev.baton.runtime.droid.Usages;
import dev.baton.v1.DroidUsage;
import dev.baton.v1.OrchestratorSummary;
import dev.baton.v1.TaskUsage;
import dev.baton.v1.Usage;
import java.util.List;
import java.util.TreeMap;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.PlanSummary;
import dev.baton.v1.SyncPointStatus;
import dev.baton.v1.SyncPointSummary;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PlanSummary at a plan's end: estimates from the plan's analysis set against what its events
 * measured, wall clock scaled back into plan minutes by the time scale.
 */
final class SummaryBuilder {
  private SummaryBuilder() {}

  static PlanSummary build(PlanModel.Plan plan, PlanStatus status, List<PlanEvent> events, double timeScale,
      Instant now) {
    double scale = timeScale <= 0 ? 1 : timeScale;
    Map<String, PlanModel.Task> tasks = new HashMap<>();
    plan.tasks().forEach(t -> tasks.put(t.id(), t));
    // Domain of every task the plan ran, remediation tasks added at sync points included.
    Map<String, String> domainOf = new HashMap<>();
    status.getTasksList().forEach(ts -> domainOf.put(ts.getId(), ts.getOrchestrator()));

    Map<String, OrchestratorSummary.Builder> perDomain = new LinkedHashMap<>();
    for (PlanModel.Task t : plan.tasks()) {
      perDomain.computeIfAbsent(t.domain(), d -> OrchestratorSummary.newBuilder().setOrchestrator(d));
    }
    for (TaskStatus ts : status.getTasksList()) {
      OrchestratorSummary.Builder o = perDomain.computeIfAbsent(ts.getOrchestrator(),
          d -> OrchestratorSummary.newBuilder().setOrchestrator(d));
      o.setTasks(o.getTasks() + 1).setEstimatedMinutes(o.getEstimatedMinutes() + ts.getEstimateMinutes());
    }
    Map<String, Usage> perDroid = new TreeMap<>();
    List<TaskUsage> perTask = new ArrayList<>();
    for (TaskStatus ts : status.getTasksList()) {
      OrchestratorSummary.Builder o = perDomain.get(ts.getOrchestrator());
      if (o == null) {
        continue;
      }
      if (ts.hasUsage()) {
        o.setUsage(Usages.plus(o.getUsage(), ts.getUsage()));
        perDroid.merge(ts.getDroid(), ts.getUsage(), Usages::plus);
        perTask.add(TaskUsage.newBuilder().setTaskId(ts.getId()).setOrchestrator(ts.getOrchestrator())
            .setDroid(ts.getDroid()).setUsage(ts.getUsage()).build());
      }
      if (ts.getState() == TaskState.TASK_STATE_SUCCEEDED) {
        o.setSucceeded(o.getSucceeded() + 1);
      } else if (ts.getState() == TaskState.TASK_STATE_FAILED) {
        o.setFailed(o.getFailed() + 1);
      }
    }
    // Busy time: from each attempt's start to its end, whatever the outcome.
    Map<String, Instant> started = new HashMap<>();
    Map<String, Long> busyMillis = new HashMap<>();
    for (PlanEvent e : events) {
      Instant at = Events.instant(e.getTime());
      switch (e.getKindCase()) {
        case TASK_STARTED -> started.put(e.getTaskStarted().getTaskId(),
            e.getTaskStarted().hasStartedAt() ? Events.instant(e.getTaskStarted().getStartedAt()) : at);
        case TASK_SUCCEEDED -> busy(started, busyMillis, domainOf, e.getTaskSucceeded().getTaskId(), at);
        case TASK_FAILED -> busy(started, busyMillis, domainOf, e.getTaskFailed().getTaskId(), at);
        case TASK_CANCELLED -> busy(started, busyMillis, domainOf, e.getTaskCancelled().getTaskId(), at);
        case TASK_RETRIED -> {
          OrchestratorSummary.Builder o = perDomain.get(domainOf.get(e.getTaskRetried().getTaskId()));
          if (o != null) {
            o.setRetries(o.getRetries() + 1);
          }
        }
        default -> { }
      }
    }
    busyMillis.forEach((domain, ms) -> perDomain.get(domain).setMeasuredBusyMinutes(ms / scale / 60_000.0));

    PlanModel.Analysis analysis = plan.analysis();
    PlanSummary.Builder s = PlanSummary.newBuilder()
        .setSequentialMinutes(analysis.sequentialMinutes())
        .setCriticalPathMinutes(analysis.criticalPathMinutes())
        .setEstimatedMakespanMinutes(analysis.estimatedMakespanMinutes());
    long wall = Duration.between(Events.instant(status.getSubmittedAt()), now).toMillis();
    s.setMeasuredWallMillis(wall).setMeasuredMakespanMinutes(wall / scale / 60_000.0);
    perDomain.values().forEach(s::addOrchestrators);
    if (status.hasUsage()) {
      s.setUsage(status.getUsage()).addAllTasks(perTask);
      perDroid.forEach((droid, usage) -> s.addDroids(DroidUsage.newBuilder().setDroid(droid).setUsage(usage)));
    }
    for (PlanModel.Level level : analysis.levels()) {
      s.addLevels(LevelSummary.newBuilder()
          .setLevel(level.level())
          .setTasks(level.taskIds().size())
          .addAllOrchestrators(level.domains())
          .setEstimatedMinutes(levelMinutes(level, tasks)));
    }
    for (SyncPointStatus sp : status.getSyncPointsList()) {
      long ms = sp.hasResult() ? sp.getResult().getDurationMs() : 0;
      s.addSyncPoints(SyncPointSummary.newBuilder()
          .setName(sp.getName())
          .addAllParticipants(sp.getParticipantsList())
          .setDurationMs(ms)
          .setConflicts(sp.getResult().getConflictsCount()));
    }
    return s.build();
  }

  /** A level's length with one instance per domain: its busiest domain's share of the level. */
  static double levelMinutes(PlanModel.Level level, Map<String, PlanModel.Task> tasks) {
    Map<String, Double> perDomain = new HashMap<>();
    for (String id : level.taskIds()) {
      PlanModel.Task t = tasks.get(id);
      if (t != null) {
        perDomain.merge(t.domain(), t.estimateMinutes(), Double::sum);
      }
    }
    return new ArrayList<>(perDomain.values()).stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  private static void busy(Map<String, Instant> started, Map<String, Long> busyMillis,
      Map<String, String> domainOf, String taskId, Instant end) {
    Instant start = started.remove(taskId);
    String domain = domainOf.get(taskId);
    if (start != null && domain != null) {
      busyMillis.merge(domain, Math.max(0, Duration.between(start, end).toMillis()), Long::sum);
    }
  }
}

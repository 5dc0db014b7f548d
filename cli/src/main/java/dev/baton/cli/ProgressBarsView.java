package dev.baton.cli;

import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskStatus;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * One live progress bar per orchestrator and one for the whole plan, on a terminal.
 *
 * <p>A bar counts its tasks in hundredths, so a running task's reported progress moves the bar
 * between two whole tasks; its extra message names the tasks running now.
 */
final class ProgressBarsView implements WatchView {
  private static final int UNIT = 100;

  private final Map<String, String> orchestratorOf = new HashMap<>();
  private final Map<String, Double> progress = new HashMap<>();
  private final Map<String, Set<String>> running = new TreeMap<>();
  private final Map<String, ProgressBar> bars = new LinkedHashMap<>();
  private final ProgressBar overall;

  ProgressBarsView(PlanStatus initial) {
    Map<String, Integer> tasksPer = new TreeMap<>();
    for (TaskStatus task : initial.getTasksList()) {
      orchestratorOf.put(task.getId(), task.getOrchestrator());
      progress.put(task.getId(), 0.0);
      tasksPer.merge(task.getOrchestrator(), 1, Integer::sum);
    }
    int width = Math.max(7, tasksPer.keySet().stream().mapToInt(String::length).max().orElse(0));
    tasksPer.forEach((orchestrator, count) -> {
      bars.put(orchestrator, bar(pad(orchestrator, width), count));
      running.put(orchestrator, new LinkedHashSet<>());
    });
    overall = bar(pad("overall", width), initial.getTasksCount());
  }

  private static ProgressBar bar(String name, int tasks) {
    return new ProgressBarBuilder()
        .setTaskName(name)
        .setInitialMax((long) Math.max(tasks, 1) * UNIT)
        .setUnit(" tasks", UNIT)
        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
        .setUpdateIntervalMillis(100)
        .setMaxRenderedLength(110)
        .hideEta()
        .build();
  }

  private static String pad(String s, int width) {
    return String.format("%-" + width + "s", s);
  }

  @Override
  public synchronized void onEvent(PlanEvent e) {
    switch (e.getKindCase()) {
      case TASK_STARTED -> {
        running(e.getTaskStarted().getTaskId()).add(e.getTaskStarted().getTaskId());
        set(e.getTaskStarted().getTaskId(), 0.0);
      }
      case TASK_PROGRESS -> set(e.getTaskProgress().getTaskId(), e.getTaskProgress().getProgress());
      case TASK_SUCCEEDED -> finish(e.getTaskSucceeded().getTaskId(), 1.0);
      case TASK_FAILED -> finish(e.getTaskFailed().getTaskId(), e.getTaskFailed().getWillRetry() ? 0.0 : 1.0);
      case TASK_SKIPPED -> finish(e.getTaskSkipped().getTaskId(), 1.0);
      case TASK_CANCELLED -> finish(e.getTaskCancelled().getTaskId(), progress.getOrDefault(e.getTaskCancelled().getTaskId(), 0.0));
      case SYNC_POINT_REACHED -> overall.setExtraMessage("sync: " + e.getSyncPointReached().getName());
      case SYNC_POINT_RELEASED -> overall.setExtraMessage("released: " + e.getSyncPointReleased().getName());
      case PLAN_FINISHED -> overall.setExtraMessage(EventFormat.state(e.getPlanFinished().getState()));
      default -> { }
    }
  }

  private Set<String> running(String taskId) {
    return running.computeIfAbsent(orchestratorOf.getOrDefault(taskId, "?"), k -> new LinkedHashSet<>());
  }

  private void finish(String taskId, double value) {
    running(taskId).remove(taskId);
    set(taskId, value);
  }

  private void set(String taskId, double value) {
    progress.put(taskId, Math.max(0.0, Math.min(1.0, value)));
    String orchestrator = orchestratorOf.get(taskId);
    ProgressBar bar = bars.get(orchestrator);
    if (bar != null) {
      bar.stepTo(Math.round(sum(orchestrator) * UNIT));
      bar.setExtraMessage(String.join(", ", running.getOrDefault(orchestrator, Set.of())));
    }
    overall.stepTo(Math.round(sum(null) * UNIT));
  }

  private double sum(String orchestrator) {
    double total = 0;
    for (Map.Entry<String, Double> p : progress.entrySet()) {
      if (orchestrator == null || orchestrator.equals(orchestratorOf.get(p.getKey()))) {
        total += p.getValue();
      }
    }
    return total;
  }

  @Override
  public synchronized void close() {
    bars.values().forEach(ProgressBar::close);
    overall.close();
  }
}

package dev.baton.master.engine;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a plan's tasks went through that the dispatcher and recovery decide on: attempt numbers
 * handed out, the instances each task failed on (a retry goes elsewhere when it can), and the
 * levels started. One per plan; rebuilt from the journal by a take-over ({@link #restore}).
 * Scheduler thread only.
 */
final class TaskHistory {
  private final Map<String, Integer> attempts = new HashMap<>();
  private final Map<String, Set<String>> failedOn = new HashMap<>();
  private final Set<Integer> levelsStarted = new HashSet<>();

  /** The number of the task's next attempt (1 for the first), taken. */
  int nextAttempt(String taskId) {
    return attempts.merge(taskId, 1, Integer::sum);
  }

  /** The number of the task's latest attempt, 0 before the first. */
  int lastAttempt(String taskId) {
    return attempts.getOrDefault(taskId, 0);
  }

  void failedOn(String taskId, String instanceId) {
    failedOn.computeIfAbsent(taskId, k -> new HashSet<>()).add(instanceId);
  }

  /** Instances the task failed on (or was moved off), empty when none. */
  Set<String> failedOn(String taskId) {
    return failedOn.getOrDefault(taskId, Set.of());
  }

  /** True the first time a level starts. */
  boolean levelStarts(int level) {
    return levelsStarted.add(level);
  }

  /** A take-over: the history the plan's journal tells. */
  void restore(Resumption r) {
    attempts.putAll(r.attempts);
    r.failedOn.forEach((k, v) -> failedOn.put(k, new HashSet<>(v)));
    levelsStarted.addAll(r.levelsStarted);
  }
}

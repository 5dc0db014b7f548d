package dev.baton.master.engine;

import dev.baton.master.plan.PlanModel;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the scheduler needs to know about a plan's shape, computed once when the run starts, so no
 * step has to walk the whole plan: each task's position, which tasks wait for it (through a
 * dependency or a sync point's gate), which tasks are gated, and each task's remaining work.
 *
 * <p>Remaining work (the task's estimate plus the longest chain of estimates that waits for it) is
 * the dispatch priority: when tasks outnumber slots, the one on the longest remaining chain goes
 * first, so the critical path never waits behind short side work (list scheduling by "bottom
 * level", which keeps the makespan near max(critical path, work / capacity)).
 */
final class TaskIndex {
  /** Priority of tasks the plan did not have (remediation tasks): they hold a sync point up, so first. */
  static final double ADDED_TASK_RANK = Double.MAX_VALUE;

  private final List<PlanModel.Task> tasks;
  private final Map<String, Integer> position = new HashMap<>();
  private final int[][] waiters;
  private final double[] rank;
  private final BitSet gated = new BitSet();

  TaskIndex(PlanModel.Plan plan) {
    this.tasks = List.copyOf(plan.tasks());
    int n = tasks.size();
    for (int i = 0; i < n; i++) {
      position.putIfAbsent(tasks.get(i).id(), i);
    }
    List<List<Integer>> w = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      w.add(new ArrayList<>(2));
    }
    for (int i = 0; i < n; i++) {
      for (String dep : tasks.get(i).dependsOn()) {
        Integer d = position.get(dep);
        if (d != null) {
          w.get(d).add(i);
        }
      }
    }
    for (PlanModel.SyncPoint sp : plan.syncPoints()) {
      for (String before : sp.before()) {
        Integer b = position.get(before);
        if (b == null) {
          continue;
        }
        gated.set(b);
        for (String after : sp.after()) {
          Integer a = position.get(after);
          if (a != null) {
            w.get(a).add(b);
          }
        }
      }
    }
    waiters = new int[n][];
    for (int i = 0; i < n; i++) {
      waiters[i] = w.get(i).stream().mapToInt(Integer::intValue).distinct().toArray();
    }
    rank = new double[n];
    // Levels put every task after all it waits for (dependencies and gates): walk them backwards.
    List<PlanModel.Level> levels = plan.analysis().levels();
    for (int l = levels.size() - 1; l >= 0; l--) {
      for (String id : levels.get(l).taskIds()) {
        Integer i = position.get(id);
        if (i == null) {
          continue;
        }
        double longest = 0;
        for (int d : waiters[i]) {
          longest = Math.max(longest, rank[d]);
        }
        rank[i] = tasks.get(i).estimate().toMillis() + longest;
      }
    }
  }

  int size() {
    return tasks.size();
  }

  PlanModel.Task task(int i) {
    return tasks.get(i);
  }

  /** The task's position in the plan, or null for a task the plan did not have. */
  Integer position(String taskId) {
    return position.get(taskId);
  }

  /** Positions of the tasks that wait for the task at {@code i}. */
  int[] waiters(int i) {
    return waiters[i];
  }

  /** Positions of the tasks some sync point's gate holds back. */
  BitSet gated() {
    return gated;
  }

  /** Remaining work from the task on, in plan milliseconds; {@link #ADDED_TASK_RANK} for an added task. */
  double rank(String taskId) {
    Integer i = position.get(taskId);
    return i == null ? ADDED_TASK_RANK : rank[i];
  }
}

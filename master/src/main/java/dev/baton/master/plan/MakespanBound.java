package dev.baton.master.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * A lower bound on the makespan of any schedule of a plan, given a number of slots per domain, with
 * tasks lasting their estimates and delegation free: what the benchmarks and the strategy tests
 * divide a measured makespan by.
 *
 * <p>Why not just max(critical path, a domain's work / its slots): that bound ignores that a sync
 * point's gate waits for <em>every</em> {@code after} task, and those queue on their domains' slots.
 * On the e-commerce example with one slot per domain it says 150 minutes, yet no schedule ends
 * before 215: the Infrastructure Ready gate opens at 30 at the earliest (devops runs its two
 * datastores one after the other), so the backend's 130 gated minutes end at 160 at the earliest,
 * and Integration Testing's three gated testing tasks (55 minutes on one slot) follow. This bound
 * sees that, by giving each task an earliest start ("head"):
 *
 * <ul>
 *   <li>no earlier than any prerequisite's head plus its estimate (the critical path);
 *   <li>for a gated task, no earlier than the gate can open: for each domain, the {@code after} tasks
 *       of that domain need their work done on its slots, each no earlier than its own head, so the
 *       gate opens no earlier than {@code head_k + (sum of the estimates of the after tasks with
 *       head >= head_k) / slots} for every k (work conservation on identical machines with release
 *       times).
 * </ul>
 *
 * and then bounding each domain the same way over all its tasks, adding the shortest remaining
 * chain ("tail") after them. Every step only drops constraints, so the result never exceeds the
 * makespan of a real schedule; it takes O(n log n + edges) time.
 */
public final class MakespanBound {
  private MakespanBound() {}

  /** The bound in plan minutes, with {@code slots.applyAsInt(domain)} (at least 1) slots per domain. */
  public static double minutes(PlanModel.Plan plan, ToIntFunction<String> slots) {
    List<PlanModel.Task> tasks = plan.tasks();
    int n = tasks.size();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(tasks.get(i).id(), i);
    }
    long[] p = new long[n];
    List<List<Integer>> deps = new ArrayList<>(n); // dependsOn, as positions
    List<List<Integer>> gates = new ArrayList<>(n); // sync points gating the task
    List<List<Integer>> successors = new ArrayList<>(n); // every task waiting for it
    int[] indegree = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = tasks.get(i).estimate().toMillis();
      deps.add(new ArrayList<>());
      gates.add(new ArrayList<>());
      successors.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      for (String d : tasks.get(i).dependsOn()) {
        Integer j = index.get(d);
        if (j != null) {
          deps.get(i).add(j);
          successors.get(j).add(i);
          indegree[i]++;
        }
      }
    }
    List<PlanModel.SyncPoint> points = plan.syncPoints();
    List<int[]> after = new ArrayList<>(points.size());
    for (int s = 0; s < points.size(); s++) {
      int[] a = points.get(s).after().stream().map(index::get).filter(x -> x != null).mapToInt(Integer::intValue)
          .toArray();
      after.add(a);
      for (String b : points.get(s).before()) {
        Integer i = index.get(b);
        if (i == null) {
          continue;
        }
        gates.get(i).add(s);
        for (int j : a) {
          successors.get(j).add(i);
          indegree[i]++;
        }
      }
    }
    int[] order = topologicalOrder(indegree, successors);

    double[] head = new double[n];
    double[] gateOpen = new double[points.size()];
    Arrays.fill(gateOpen, -1);
    for (int i : order) {
      double h = 0;
      for (int j : deps.get(i)) {
        h = Math.max(h, head[j] + p[j]);
      }
      for (int s : gates.get(i)) {
        if (gateOpen[s] < 0) { // every after task precedes i in the order: their heads are known
          gateOpen[s] = allDone(after.get(s), tasks, head, p, null, slots);
        }
        h = Math.max(h, gateOpen[s]);
      }
      head[i] = h;
    }
    double[] tail = new double[n];
    for (int k = n - 1; k >= 0; k--) {
      int i = order[k];
      double t = 0;
      for (int s : successors.get(i)) {
        t = Math.max(t, p[s] + tail[s]);
      }
      tail[i] = t;
    }
    double bound = 0;
    for (int i = 0; i < n; i++) {
      bound = Math.max(bound, head[i] + p[i] + tail[i]);
    }
    int[] all = new int[n];
    Arrays.setAll(all, i -> i);
    bound = Math.max(bound, allDone(all, tasks, head, p, tail, slots));
    return bound / 60_000.0;
  }

  /**
   * When the tasks {@code set} can all be done (plus, with {@code tail}, the shortest chain after
   * the last of them), per domain: max over k of head_k + (work of the tasks with head >= head_k) /
   * slots.
   */
  private static double allDone(int[] set, List<PlanModel.Task> tasks, double[] head, long[] p, double[] tail,
      ToIntFunction<String> slots) {
    Map<String, List<Integer>> byDomain = new HashMap<>();
    for (int i : set) {
      byDomain.computeIfAbsent(tasks.get(i).domain(), d -> new ArrayList<>()).add(i);
    }
    double done = 0;
    for (Map.Entry<String, List<Integer>> e : byDomain.entrySet()) {
      int m = Math.max(1, slots.applyAsInt(e.getKey()));
      List<Integer> ts = e.getValue();
      ts.sort(Comparator.comparingDouble((Integer i) -> head[i]).reversed());
      double work = 0;
      double minTail = Double.MAX_VALUE;
      for (int i : ts) { // latest head first: the suffix of tasks that cannot start before head[i]
        work += p[i];
        minTail = Math.min(minTail, tail == null ? 0 : tail[i]);
        done = Math.max(done, head[i] + work / m + minTail);
      }
    }
    return done;
  }

  /** Kahn's algorithm; the compiler refuses cycles, so every task is placed. */
  private static int[] topologicalOrder(int[] indegree, List<List<Integer>> successors) {
    int n = indegree.length;
    int[] in = indegree.clone();
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int i = 0; i < n; i++) {
      if (in[i] == 0) {
        queue.add(i);
      }
    }
    int[] order = new int[n];
    int k = 0;
    while (!queue.isEmpty()) {
      int i = queue.poll();
      order[k++] = i;
      for (int s : successors.get(i)) {
        if (--in[s] == 0) {
          queue.add(s);
        }
      }
    }
    if (k != n) {
      throw new IllegalArgumentException("the plan has a cycle of dependencies and gates (the compiler refuses those)");
    }
    return order;
  }
}

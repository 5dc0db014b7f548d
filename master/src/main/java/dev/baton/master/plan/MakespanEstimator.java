package dev.baton.master.plan;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;

/**
 * Estimates how long a plan takes under its strategy, from the estimates alone (no failures, one
 * instance per domain, delegation free):
 * <ul>
 *   <li>{@code sequential_checkpointed}: one task at a time, so the sum of the estimates;
 *   <li>{@code parallel}: list scheduling, every ready task starts as soon as its domain has a free
 *       slot ({@link #MAX_CONCURRENT_TASKS}), ready tasks in plan order;
 *   <li>{@code hybrid_parallel_sequential}: one task at a time per domain; when a domain is free it
 *       starts the ready task with the most remaining work (its estimate plus the longest chain of
 *       estimates waiting for it), the earliest in plan order on a tie, as the engine's strategy
 *       does (a task waiting for a dependency or a gate does not hold back a ready one).
 * </ul>
 */
final class MakespanEstimator {
  /**
   * Each domain's max_concurrent_tasks, as the seed's specialisations declare them (the seed never
   * defines testing; its specialisation declares 4). The only table of these numbers in the plan
   * package.
   */
  static final Map<String, Integer> MAX_CONCURRENT_TASKS =
      Map.of("frontend", 5, "backend", 5, "devops", 4, "testing", 4);

  private MakespanEstimator() {}

  static double estimateMinutes(TaskGraph graph, PlanModel.Strategy strategy) {
    return switch (strategy) {
      case SEQUENTIAL_CHECKPOINTED -> sequentialMinutes(graph);
      case PARALLEL -> simulate(graph, d -> MAX_CONCURRENT_TASKS.getOrDefault(d, 1), planOrder(graph));
      case HYBRID_PARALLEL_SEQUENTIAL -> simulate(graph, d -> 1, byRemainingWork(graph));
    };
  }

  static double sequentialMinutes(TaskGraph graph) {
    long millis = 0;
    for (int i = 0; i < graph.size(); i++) {
      millis += graph.task(i).estimate().toMillis();
    }
    return millis / 60_000.0;
  }

  private static int[] planOrder(TaskGraph graph) {
    int[] order = new int[graph.size()];
    Arrays.setAll(order, i -> i);
    return order;
  }

  /** Tasks by remaining work (estimate plus the longest chain waiting for them), descending; ties in plan order. */
  static int[] byRemainingWork(TaskGraph graph) {
    long[] remaining = new long[graph.size()];
    List<Integer> order = graph.order();
    for (int k = order.size() - 1; k >= 0; k--) {
      int i = order.get(k);
      long longest = 0;
      for (int d : graph.dependents(i)) {
        longest = Math.max(longest, remaining[d]);
      }
      remaining[i] = graph.task(i).estimate().toMillis() + longest;
    }
    return IntStream.range(0, graph.size()).boxed()
        .sorted(Comparator.comparingLong((Integer i) -> -remaining[i]).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue).toArray();
  }

  /**
   * Event simulation: start what may start, advance to the next finish, repeat. {@code priority}
   * lists the tasks in the order a free slot is offered to them.
   */
  private static double simulate(TaskGraph graph, ToIntFunction<String> capacity, int[] priority) {
    int n = graph.size();
    int[] waiting = new int[n];
    boolean[] started = new boolean[n];
    for (int i = 0; i < n; i++) {
      waiting[i] = graph.prerequisites(i).size();
    }
    Map<String, Integer> running = new HashMap<>();
    PriorityQueue<long[]> finishing = // {time, task}; ties by task number
        new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    long now = 0;
    int done = 0;
    while (done < n) {
      for (int i : priority) {
        String domain = graph.task(i).domain();
        if (!started[i] && waiting[i] == 0 && running.getOrDefault(domain, 0) < capacity.applyAsInt(domain)) {
          started[i] = true;
          running.merge(domain, 1, Integer::sum);
          finishing.add(new long[] {now + graph.task(i).estimate().toMillis(), i});
        }
      }
      long[] next = finishing.poll();
      if (next == null) {
        throw new IllegalStateException("task graph stalled: it was built acyclic");
      }
      now = next[0];
      finish(graph, (int) next[1], waiting, running);
      done++;
      while (!finishing.isEmpty() && finishing.peek()[0] == now) {
        finish(graph, (int) finishing.poll()[1], waiting, running);
        done++;
      }
    }
    return now / 60_000.0;
  }

  private static void finish(TaskGraph graph, int t, int[] waiting, Map<String, Integer> running) {
    running.merge(graph.task(t).domain(), -1, Integer::sum);
    for (int d : graph.dependents(t)) {
      waiting[d]--;
    }
  }
}

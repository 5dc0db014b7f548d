package dev.baton.master.engine;

import dev.baton.master.plan.PlanModel;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeSet;
import java.util.function.ToIntFunction;

/**
 * Runs a real {@link ExecutionStrategy} over a plan in simulated time, the way {@link PlanRun} uses
 * it, without processes, clocks or delegation cost: a task is ready when its dependencies succeeded
 * and the gates of the sync points before it opened (a gate opens the moment its after tasks
 * succeeded); the strategy admits from the ready tasks in plan order; admitted tasks wait in one
 * queue per domain ordered by remaining work, then admission, and start while the domain has a free
 * slot; each task lasts its estimate. Deterministic, so a makespan can be asserted exactly.
 */
final class StrategySimulation {
  /** The makespan in plan minutes, and the tasks in the order they started, per domain. */
  record Result(double minutes, Map<String, List<String>> startedPerDomain) {}

  private StrategySimulation() {}

  static Result run(PlanModel.Plan plan, ExecutionStrategy strategy, ToIntFunction<String> slots) {
    TaskIndex index = new TaskIndex(plan);
    List<PlanModel.Task> tasks = plan.tasks();
    int n = tasks.size();
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < n; i++) {
      position.put(tasks.get(i).id(), i);
    }
    BitSet succeeded = new BitSet(n);
    BitSet admitted = new BitSet(n);
    Map<String, PlanModel.Task> inFlight = new LinkedHashMap<>();
    Map<String, Integer> running = new HashMap<>();
    long[] admissions = {0};
    Map<String, Long> admittedAt = new HashMap<>();
    Comparator<PlanModel.Task> dispatchOrder = Comparator
        .comparingDouble((PlanModel.Task t) -> -index.rank(t.id()))
        .thenComparingLong(t -> admittedAt.get(t.id()));
    Map<String, TreeSet<PlanModel.Task>> queues = new HashMap<>();
    PriorityQueue<long[]> finishing = // {time, position}
        new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    Map<String, List<String>> started = new LinkedHashMap<>();
    long now = 0;
    while (succeeded.cardinality() < n) {
      List<PlanModel.Task> ready = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (!admitted.get(i) && isReady(plan, tasks.get(i), position, succeeded)) {
          ready.add(tasks.get(i));
        }
      }
      for (PlanModel.Task t : strategy.admit(ready, List.copyOf(inFlight.values()))) {
        admitted.set(position.get(t.id()));
        inFlight.put(t.id(), t);
        admittedAt.put(t.id(), ++admissions[0]);
        queues.computeIfAbsent(t.domain(), d -> new TreeSet<>(dispatchOrder)).add(t);
      }
      for (Map.Entry<String, TreeSet<PlanModel.Task>> q : queues.entrySet()) {
        String domain = q.getKey();
        while (!q.getValue().isEmpty() && running.getOrDefault(domain, 0) < slots.applyAsInt(domain)) {
          PlanModel.Task t = q.getValue().pollFirst();
          running.merge(domain, 1, Integer::sum);
          started.computeIfAbsent(domain, d -> new ArrayList<>()).add(t.id());
          finishing.add(new long[] {now + t.estimate().toMillis(), position.get(t.id())});
        }
      }
      long[] next = finishing.poll();
      if (next == null) {
        throw new IllegalStateException("stalled at " + now + " ms with " + succeeded.cardinality() + " of " + n
            + " tasks done: the strategy admitted nothing that could run");
      }
      now = next[0];
      List<long[]> done = new ArrayList<>(List.of(next));
      while (!finishing.isEmpty() && finishing.peek()[0] == now) {
        done.add(finishing.poll());
      }
      for (long[] d : done) {
        PlanModel.Task t = tasks.get((int) d[1]);
        succeeded.set((int) d[1]);
        inFlight.remove(t.id());
        running.merge(t.domain(), -1, Integer::sum);
      }
    }
    return new Result(now / 60_000.0, started);
  }

  private static boolean isReady(PlanModel.Plan plan, PlanModel.Task t, Map<String, Integer> position,
      BitSet succeeded) {
    for (String d : t.dependsOn()) {
      if (!succeeded.get(position.get(d))) {
        return false;
      }
    }
    for (PlanModel.SyncPoint sp : plan.syncPoints()) {
      if (sp.before().contains(t.id())) {
        for (String a : sp.after()) {
          if (!succeeded.get(position.get(a))) {
            return false;
          }
        }
      }
    }
    return true;
  }
}

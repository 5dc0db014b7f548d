package dev.baton.master.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The task graph: a task waits for its {@code dependsOn} and, through sync-point gates, for every
 * {@code after} task of each point that lists it in {@code before}. Built only acyclic: a cycle of
 * dependencies, or of dependencies and gates (a sync point that can never be reached because one
 * of its {@code before} tasks is a prerequisite of its {@code after} tasks), is refused by name.
 *
 * <p>Tasks are numbered by plan order; every ordering choice breaks ties by that number, so all
 * results are deterministic.
 */
final class TaskGraph {
  /** A reason one task waits for another: a dependency, or the gate of sync point {@code point}. */
  private record Edge(int to, int point) {
    boolean gate() {
      return point >= 0;
    }
  }

  private final List<PlanModel.Task> tasks;
  private final List<PlanModel.SyncPoint> points;
  private final List<List<Edge>> waitsFor = new ArrayList<>();
  private final List<Set<Integer>> prerequisites = new ArrayList<>();
  private final List<List<Integer>> dependents = new ArrayList<>();
  private final List<Integer> order;

  private TaskGraph(List<PlanModel.Task> tasks, List<PlanModel.SyncPoint> points, Places places) {
    this.tasks = tasks;
    this.points = points;
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      index.put(tasks.get(i).id(), i);
      waitsFor.add(new ArrayList<>());
      prerequisites.add(new LinkedHashSet<>());
      dependents.add(new ArrayList<>());
    }
    for (int i = 0; i < tasks.size(); i++) {
      for (String dep : tasks.get(i).dependsOn()) {
        waitsFor.get(i).add(new Edge(index.get(dep), -1));
      }
    }
    checkCycles(false, places);
    for (int p = 0; p < points.size(); p++) {
      for (String before : points.get(p).before()) {
        for (String after : points.get(p).after()) {
          waitsFor.get(index.get(before)).add(new Edge(index.get(after), p));
        }
      }
    }
    checkCycles(true, places);
    for (int i = 0; i < tasks.size(); i++) {
      for (Edge e : waitsFor.get(i)) {
        prerequisites.get(i).add(e.to());
      }
      for (int p : prerequisites.get(i)) {
        dependents.get(p).add(i);
      }
    }
    this.order = topologicalOrder();
  }

  /**
   * Builds the graph of already field-checked tasks and sync points.
   *
   * @throws PlanException naming the cycle when dependencies, or dependencies and gates, form one
   */
  static TaskGraph build(List<PlanModel.Task> tasks, List<PlanModel.SyncPoint> points, Places places) {
    return new TaskGraph(tasks, points, places);
  }

  int size() {
    return tasks.size();
  }

  PlanModel.Task task(int i) {
    return tasks.get(i);
  }

  /** Indices of the tasks {@code i} waits for: its dependencies, then its gates' after tasks. */
  Set<Integer> prerequisites(int i) {
    return prerequisites.get(i);
  }

  /** Indices of the tasks that wait for {@code i}, in plan order. */
  List<Integer> dependents(int i) {
    return dependents.get(i);
  }

  /** Every task after all of its prerequisites; ties in plan order. */
  List<Integer> order() {
    return order;
  }

  private List<Integer> topologicalOrder() {
    int[] waiting = new int[tasks.size()];
    for (int i = 0; i < tasks.size(); i++) {
      waiting[i] = prerequisites.get(i).size();
    }
    TreeSet<Integer> ready = new TreeSet<>();
    for (int i = 0; i < tasks.size(); i++) {
      if (waiting[i] == 0) {
        ready.add(i);
      }
    }
    List<Integer> result = new ArrayList<>();
    while (!ready.isEmpty()) {
      int t = ready.pollFirst();
      result.add(t);
      for (int d : dependents.get(t)) {
        if (--waiting[d] == 0) {
          ready.add(d);
        }
      }
    }
    return List.copyOf(result);
  }

  /** The seed's levels: 0 without prerequisites, else 1 + the highest level among them. */
  List<PlanModel.Level> levels() {
    int[] level = new int[tasks.size()];
    int max = -1;
    for (int t : order) {
      for (int p : prerequisites.get(t)) {
        level[t] = Math.max(level[t], level[p] + 1);
      }
      max = Math.max(max, level[t]);
    }
    List<PlanModel.Level> levels = new ArrayList<>();
    for (int l = 0; l <= max; l++) {
      List<String> ids = new ArrayList<>();
      Set<String> domains = new TreeSet<>((a, b) -> PlanModel.DOMAINS.indexOf(a) - PlanModel.DOMAINS.indexOf(b));
      for (int t = 0; t < tasks.size(); t++) {
        if (level[t] == l) {
          ids.add(tasks.get(t).id());
          domains.add(tasks.get(t).domain());
        }
      }
      levels.add(new PlanModel.Level(l, List.copyOf(ids), List.copyOf(domains)));
    }
    return List.copyOf(levels);
  }

  /** The longest chain of estimates through dependencies and gates, first task first. */
  List<String> criticalPath() {
    long[] finish = new long[tasks.size()];
    int[] via = new int[tasks.size()];
    int last = -1;
    for (int t : order) {
      via[t] = -1;
      long start = 0;
      for (int p : prerequisites.get(t)) {
        if (finish[p] > start) {
          start = finish[p];
          via[t] = p;
        }
      }
      finish[t] = start + tasks.get(t).estimate().toMillis();
      if (last < 0 || finish[t] > finish[last] || (finish[t] == finish[last] && t < last)) {
        last = t;
      }
    }
    Deque<String> path = new ArrayDeque<>();
    for (int t = last; t >= 0; t = via[t]) {
      path.addFirst(tasks.get(t).id());
    }
    return List.copyOf(path);
  }

  /**
   * Depth-first search for a cycle, tasks in plan order and edges in written order. Without gates
   * the message names the dependency cycle; with gates, the sync point of the first gate on it.
   */
  private void checkCycles(boolean withGates, Places places) {
    int[] color = new int[tasks.size()]; // 0 new, 1 on the stack, 2 done
    for (int root = 0; root < tasks.size(); root++) {
      if (color[root] != 0) {
        continue;
      }
      Deque<int[]> stack = new ArrayDeque<>(); // {task, next edge}
      List<Edge> via = new ArrayList<>(); // edge taken from stack element i to i+1
      stack.push(new int[] {root, 0});
      color[root] = 1;
      while (!stack.isEmpty()) {
        int[] top = stack.peek();
        List<Edge> edges = waitsFor.get(top[0]);
        if (top[1] == edges.size()) {
          color[top[0]] = 2;
          stack.pop();
          if (!via.isEmpty()) {
            via.remove(via.size() - 1);
          }
          continue;
        }
        Edge e = edges.get(top[1]++);
        if (color[e.to()] == 1) {
          List<Integer> path = new ArrayList<>();
          stack.descendingIterator().forEachRemaining(f -> path.add(f[0]));
          List<Edge> taken = new ArrayList<>(via);
          taken.add(e);
          int from = path.indexOf(e.to());
          throw cycle(path.subList(from, path.size()), taken.subList(from, taken.size()), withGates, places);
        }
        if (color[e.to()] == 0) {
          color[e.to()] = 1;
          via.add(e);
          stack.push(new int[] {e.to(), 0});
        }
      }
    }
  }

  private PlanException cycle(List<Integer> nodes, List<Edge> edges, boolean withGates, Places places) {
    if (!withGates) {
      String chain = nodes.stream().map(i -> tasks.get(i).id()).collect(Collectors.joining(" -> "));
      int first = nodes.get(0);
      return places.fail(
          "spec.tasks[" + first + "].dependsOn",
          "dependency cycle: " + chain + " -> " + tasks.get(first).id()
              + " (expected: dependencies without cycles; remove one of them)");
    }
    // Start the chain at the before task of the first gate, so it reads "waits for the point".
    int start = 0;
    while (!edges.get(start).gate()) {
      start++;
    }
    StringBuilder chain = new StringBuilder(tasks.get(nodes.get(start)).id());
    for (int k = 0; k < nodes.size(); k++) {
      int i = (start + k) % nodes.size();
      Edge e = edges.get(i);
      chain.append(e.gate() ? " -> [sync point '" + points.get(e.point()).name() + "'] -> " : " -> ");
      chain.append(tasks.get(e.to()).id());
    }
    int point = edges.get(start).point();
    String name = points.get(point).name();
    long gates = edges.stream().filter(Edge::gate).map(Edge::point).distinct().count();
    String problem = gates == 1
        ? "sync point '" + name + "' deadlocks against the dependencies: its before task '"
            + tasks.get(nodes.get(start)).id() + "' is a prerequisite of its after tasks"
        : "sync point '" + name + "' deadlocks with the dependencies and other sync points";
    return places.fail(
        "spec.syncPoints[" + point + "]",
        problem + ": " + chain + " ('x -> y': x waits for y; expected: no before task that the point's"
            + " after tasks wait for, directly or indirectly)");
  }
}

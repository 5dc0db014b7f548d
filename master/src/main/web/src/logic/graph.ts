/**
 * Graph logic of the DAG view: levels (a layered layout that stays linear in the number of tasks, so
 * a 10,000-task plan lays out in milliseconds) and the critical path. Pure; tested in graph.test.ts.
 */
import { TaskModel } from './model';

/**
 * The duration of a task in minutes for the critical path: measured when it finished, at least the
 * elapsed time (or its estimate, whichever is larger) while it runs, its estimate before it starts.
 * `minutesPerMs` converts wall time to plan minutes (a time-scaled plan runs faster than its estimates).
 */
export function durationMinutes(t: TaskModel, nowMs: number, minutesPerMs: number): number {
  if (t.startedMs !== undefined && t.finishedMs !== undefined) return (t.finishedMs - t.startedMs) * minutesPerMs;
  if (t.startedMs !== undefined) return Math.max(t.estimateMinutes, (nowMs - t.startedMs) * minutesPerMs);
  return t.estimateMinutes;
}

/**
 * Orders tasks so that each comes after what it depends on (Kahn). Dependencies on unknown tasks are
 * ignored; tasks on a cycle (the master refuses them, so only bad data) come last in input order.
 */
export function topoOrder(tasks: Map<string, TaskModel>, order: string[]): string[] {
  const indegree = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const id of order) {
    const t = tasks.get(id)!;
    let n = 0;
    for (const d of t.dependsOn) {
      if (!tasks.has(d)) continue;
      n++;
      let list = dependents.get(d);
      if (!list) dependents.set(d, (list = []));
      list.push(id);
    }
    indegree.set(id, n);
  }
  const queue = order.filter((id) => indegree.get(id) === 0);
  const out: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    out.push(id);
    for (const next of dependents.get(id) ?? []) {
      const n = indegree.get(next)! - 1;
      indegree.set(next, n);
      if (n === 0) queue.push(next);
    }
  }
  if (out.length < order.length) {
    const seen = new Set(out);
    for (const id of order) if (!seen.has(id)) out.push(id);
  }
  return out;
}

/** The level of each task: 0 without dependencies, else one more than its deepest dependency. */
export function levels(tasks: Map<string, TaskModel>, order: string[]): Map<string, number> {
  const level = new Map<string, number>();
  for (const id of topoOrder(tasks, order)) {
    let l = 0;
    for (const d of tasks.get(id)!.dependsOn) {
      const dl = level.get(d);
      if (dl !== undefined) l = Math.max(l, dl + 1);
    }
    level.set(id, l);
  }
  return level;
}

/** Tasks grouped by level, each group in declaration order. */
export function byLevel(tasks: Map<string, TaskModel>, order: string[]): string[][] {
  const level = levels(tasks, order);
  const groups: string[][] = [];
  for (const id of order) {
    const l = level.get(id) ?? 0;
    (groups[l] ??= []).push(id);
  }
  return groups.map((g) => g ?? []);
}

export interface CriticalPath {
  /** Task ids from the first to the last task of the longest chain. */
  path: string[];
  /** The chain's length in plan minutes. */
  minutes: number;
}

/**
 * The critical path: the chain of dependencies with the largest sum of durations (see
 * {@link durationMinutes}); ties go to the task declared first, so the result is stable.
 */
export function criticalPath(tasks: Map<string, TaskModel>, order: string[], nowMs: number, minutesPerMs = 1 / 60000): CriticalPath {
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  let best: string | undefined;
  for (const id of topoOrder(tasks, order)) {
    const t = tasks.get(id)!;
    let start = 0;
    let from: string | undefined;
    for (const d of t.dependsOn) {
      const f = finish.get(d);
      if (f !== undefined && f > start) { start = f; from = d; }
    }
    const f = start + durationMinutes(t, nowMs, minutesPerMs);
    finish.set(id, f);
    via.set(id, from);
    if (best === undefined || f > finish.get(best)!) best = id;
  }
  const path: string[] = [];
  for (let id = best; id !== undefined; id = via.get(id)) path.push(id);
  path.reverse();
  return { path, minutes: best === undefined ? 0 : finish.get(best)! };
}

/**
 * The plan model of the dashboard: built from a plan's events alone (PlanAccepted carries every task
 * and sync point), so a page that streams `/api/plans/{id}/events?after=0` needs nothing else.
 * Pure functions, no DOM: unit-tested in model.test.ts. Field names are the protobuf JSON ones
 * (lowerCamelCase, enums by name, int64 as strings).
 */

export type Json = Record<string, any>;

export interface TaskModel {
  id: string;
  description: string;
  orchestrator: string;
  state: string;
  attempt: number;
  instanceId: string;
  dependsOn: string[];
  estimateMinutes: number;
  progress: number;
  startedMs?: number;
  finishedMs?: number;
  costUsd: number;
  /** Set for remediation tasks added by a sync point's check. */
  remediationOf?: string;
}

export interface SyncModel {
  name: string;
  state: string;
  participants: string[];
  after: string[];
  before: string[];
  mode: string;
  releasedMs?: number;
}

/** One conflict found at a sync point's check, with the remediation tasks that settled it. */
export interface ConflictModel {
  syncPoint: string;
  round: number;
  check: string;
  parties: string[];
  location: string;
  description: string;
  policy: string;
  remediationTasks: string[];
  settled: boolean;
}

/** A bar of the Gantt view: one attempt of a task on one instance. */
export interface Bar {
  taskId: string;
  attempt: number;
  instanceId: string;
  startMs: number;
  endMs?: number;
  outcome: 'running' | 'succeeded' | 'failed' | 'cancelled';
}

/** A mark on the Gantt view: a retry, a failover (RecoveryPerformed) or a rollback. */
export interface Mark {
  kind: 'retry' | 'failover' | 'rollback';
  timeMs: number;
  instanceId: string;
  label: string;
}

export interface PlanModel {
  planId: string;
  name: string;
  state: string;
  reason: string;
  submitter: string;
  /** The plan's time scale (wall time / plan time; 1 = real time), from PlanAccepted. */
  timeScale: number;
  startMs?: number;
  finishedMs?: number;
  lastSequence: number;
  /**
   * The sequence of the status the model was seeded from ({@link seedFromStatus}); events up to it
   * only add history (timeline, marks, conflicts), since the status already holds their states.
   */
  seededSequence: number;
  tasks: Map<string, TaskModel>;
  /** Task ids in the order the plan declares them (remediation tasks at the end). */
  order: string[];
  syncPoints: Map<string, SyncModel>;
  conflicts: ConflictModel[];
  bars: Bar[];
  marks: Mark[];
  /** Bumped on every applied event: views memoise on it. */
  version: number;
}

export function emptyPlan(planId: string): PlanModel {
  return {
    planId, name: '', state: 'PLAN_STATE_UNSPECIFIED', reason: '', submitter: '', timeScale: 1, lastSequence: 0, seededSequence: 0,
    tasks: new Map(), order: [], syncPoints: new Map(), conflicts: [], bars: [], marks: [], version: 0,
  };
}

export function timeMs(ts: unknown): number | undefined {
  if (typeof ts !== 'string' || ts === '') return undefined;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) || ms <= 0 ? undefined : ms;
}

function taskFrom(t: Json): TaskModel {
  return {
    id: t.id,
    description: t.description ?? '',
    orchestrator: t.orchestrator ?? '',
    state: t.state ?? 'TASK_STATE_PENDING',
    attempt: t.attempt ?? 0,
    instanceId: t.instanceId ?? '',
    dependsOn: t.dependsOn ?? [],
    estimateMinutes: t.estimateMinutes ?? 0,
    progress: t.progress ?? 0,
    startedMs: timeMs(t.startedAt),
    finishedMs: timeMs(t.finishedAt),
    costUsd: t.usage?.costUsd ?? 0,
  };
}

function syncFrom(s: Json): SyncModel {
  return {
    name: s.name, state: s.state ?? 'SYNC_POINT_STATE_WAITING', participants: s.participants ?? [],
    after: s.after ?? [], before: s.before ?? [], mode: s.mode ?? '', releasedMs: timeMs(s.releasedAt),
  };
}

function openBar(m: PlanModel, taskId: string, attempt: number): Bar | undefined {
  for (let i = m.bars.length - 1; i >= 0; i--) {
    const b = m.bars[i];
    if (b.taskId === taskId && b.attempt === attempt && b.endMs === undefined) return b;
  }
  return undefined;
}

function closeBar(m: PlanModel, taskId: string, attempt: number, at: number, outcome: Bar['outcome']) {
  const bar = openBar(m, taskId, attempt);
  if (bar) {
    bar.endMs = at;
    bar.outcome = outcome;
  }
}

/**
 * Applies one PlanEvent (protobuf JSON) to the model, in place; events at or below the model's last
 * sequence are ignored, so a reconnecting stream may replay some.
 */
export function applyEvent(m: PlanModel, e: Json): void {
  const seq = Number(e.sequence ?? 0);
  if (seq !== 0 && seq <= m.lastSequence) return;
  m.lastSequence = seq || m.lastSequence;
  m.version++;
  const at = timeMs(e.time) ?? Date.now();
  // Seeded from a status: older events must not set states back, only record their history.
  const history = seq !== 0 && seq <= m.seededSequence;
  const task = (id: string) => (history ? undefined : m.tasks.get(id));
  if (history && (e.planAccepted || e.levelStarted || e.planFinished || e.syncPointReached)) {
    if (e.planFinished) for (const b of m.bars) if (b.endMs === undefined) { b.endMs = at; b.outcome = 'cancelled'; }
    return;
  }
  if (e.planAccepted) {
    const a = e.planAccepted;
    m.name = a.name ?? '';
    m.state = 'PLAN_STATE_ACCEPTED';
    m.submitter = a.submittedBy?.subject ?? '';
    m.timeScale = a.timeScale > 0 ? a.timeScale : 1;
    for (const t of a.tasks ?? []) addTask(m, taskFrom(t));
    for (const s of a.syncPoints ?? []) m.syncPoints.set(s.name, syncFrom(s));
  } else if (e.levelStarted) {
    if (m.state === 'PLAN_STATE_ACCEPTED') m.state = 'PLAN_STATE_RUNNING';
    m.startMs ??= at;
  } else if (e.taskReady) {
    setState(task(e.taskReady.taskId), 'TASK_STATE_READY');
  } else if (e.taskDelegated) {
    const d = e.taskDelegated;
    const t = task(d.taskId);
    if (m.state === 'PLAN_STATE_ACCEPTED') m.state = 'PLAN_STATE_RUNNING';
    m.startMs ??= at;
    if (t) {
      t.state = 'TASK_STATE_DELEGATED';
      t.attempt = d.attempt ?? t.attempt;
      t.instanceId = d.instanceId ?? t.instanceId;
    }
    m.bars.push({ taskId: d.taskId, attempt: d.attempt ?? 1, instanceId: d.instanceId ?? '', startMs: at, outcome: 'running' });
  } else if (e.taskStarted) {
    const s = e.taskStarted;
    const t = task(s.taskId);
    if (t) {
      t.state = 'TASK_STATE_RUNNING';
      t.startedMs = timeMs(s.startedAt) ?? at;
      if (s.instanceId) t.instanceId = s.instanceId;
    }
  } else if (e.taskProgress) {
    const t = task(e.taskProgress.taskId);
    if (t) t.progress = e.taskProgress.progress ?? t.progress;
  } else if (e.taskSucceeded) {
    const s = e.taskSucceeded;
    const t = task(s.taskId);
    if (t) {
      t.state = 'TASK_STATE_SUCCEEDED';
      t.progress = 1;
      t.finishedMs = at;
      t.costUsd = s.result?.usage?.costUsd ?? t.costUsd;
    }
    closeBar(m, s.taskId, s.attempt ?? 1, at, 'succeeded');
  } else if (e.taskFailed) {
    const f = e.taskFailed;
    const t = task(f.taskId);
    if (t) {
      t.state = f.willRetry ? 'TASK_STATE_RETRY_WAIT' : 'TASK_STATE_FAILED';
      if (!f.willRetry) t.finishedMs = at;
    }
    closeBar(m, f.taskId, f.attempt ?? 1, at, 'failed');
  } else if (e.taskRetried) {
    const r = e.taskRetried;
    const t = task(r.taskId);
    if (t) t.state = 'TASK_STATE_RETRY_WAIT';
    m.marks.push({ kind: 'retry', timeMs: at, instanceId: t?.instanceId ?? lastInstance(m, r.taskId), label: `retry ${r.taskId} (attempt ${r.attempt})` });
  } else if (e.taskCancelled) {
    setState(task(e.taskCancelled.taskId), 'TASK_STATE_CANCELLED');
    for (const b of m.bars) if (b.taskId === e.taskCancelled.taskId && b.endMs === undefined) { b.endMs = at; b.outcome = 'cancelled'; }
  } else if (e.taskSkipped) {
    setState(task(e.taskSkipped.taskId), 'TASK_STATE_SKIPPED');
  } else if (e.taskAdded) {
    const a = e.taskAdded;
    const t = history ? m.tasks.get(a.task?.id) ?? taskFrom(a.task ?? {}) : taskFrom(a.task ?? {});
    if (a.syncPoint) t.remediationOf = a.syncPoint;
    addTask(m, t);
  } else if (e.syncPointReached) {
    const s = m.syncPoints.get(e.syncPointReached.name);
    if (s) s.state = 'SYNC_POINT_STATE_REACHED';
  } else if (e.syncPointChecked) {
    const c = e.syncPointChecked;
    const remediation: string[] = c.remediationTasks ?? [];
    for (const x of c.conflicts ?? []) {
      m.conflicts.push({
        syncPoint: c.name, round: c.round ?? 0, check: x.check ?? '', parties: x.parties ?? [],
        location: x.location ?? '', description: x.description ?? '', policy: x.policy ?? '',
        remediationTasks: remediation, settled: false,
      });
    }
  } else if (e.syncPointReleased) {
    const r = e.syncPointReleased;
    const s = history ? undefined : m.syncPoints.get(r.name);
    if (s) { s.state = 'SYNC_POINT_STATE_RELEASED'; s.releasedMs = at; }
    const unresolved = new Set((r.result?.unresolved ?? []).map(conflictKey));
    for (const c of m.conflicts) if (c.syncPoint === r.name && !unresolved.has(conflictKey(c))) c.settled = true;
  } else if (e.recoveryPerformed) {
    const r = e.recoveryPerformed.result ?? {};
    m.marks.push({
      kind: 'failover', timeMs: at, instanceId: r.failedOrchestrator ?? '',
      label: `failover ${r.failedOrchestrator ?? ''} -> ${r.backupOrchestrator ?? ''} (${r.recoveryType ?? ''})`,
    });
  } else if (e.checkpointRolledBack) {
    const r = e.checkpointRolledBack;
    m.marks.push({ kind: 'rollback', timeMs: at, instanceId: lastInstance(m, r.taskId), label: `rollback ${r.taskId}: ${r.reason ?? ''}` });
  } else if (e.planFinished) {
    m.state = e.planFinished.state ?? m.state;
    m.reason = e.planFinished.reason ?? '';
    m.finishedMs = at;
    for (const b of m.bars) if (b.endMs === undefined) { b.endMs = at; b.outcome = 'cancelled'; }
  }
}

/** The instance of a task's latest attempt on the timeline, else its status's. */
function lastInstance(m: PlanModel, taskId: string): string {
  for (let i = m.bars.length - 1; i >= 0; i--) if (m.bars[i].taskId === taskId) return m.bars[i].instanceId;
  return m.tasks.get(taskId)?.instanceId ?? '';
}

/**
 * Seeds a model from a PlanStatus (GET /api/plans/{id}): the page can draw at once, while the event
 * stream from 0 (slow to replay for a long plan) fills in the history behind it.
 */
export function seedFromStatus(m: PlanModel, status: Json): void {
  if (m.lastSequence > 0) return; // the stream was faster: its events already hold the states
  m.name = status.name ?? '';
  m.state = status.state ?? m.state;
  m.reason = status.reason ?? '';
  m.submitter = status.submittedBy?.subject ?? '';
  m.timeScale = status.timeScale > 0 ? status.timeScale : 1;
  m.startMs = timeMs(status.startedAt);
  m.finishedMs = timeMs(status.finishedAt);
  for (const t of status.tasks ?? []) addTask(m, taskFrom(t));
  for (const s of status.syncPoints ?? []) m.syncPoints.set(s.name, syncFrom(s));
  m.seededSequence = Number(status.lastSequence ?? 0);
  m.version++;
}

function conflictKey(c: Json): string {
  return `${c.check}|${(c.parties ?? []).join(',')}|${c.location}`;
}

function addTask(m: PlanModel, t: TaskModel) {
  if (!t.id) return;
  if (!m.tasks.has(t.id)) m.order.push(t.id);
  m.tasks.set(t.id, t);
}

function setState(t: TaskModel | undefined, state: string) {
  if (t) t.state = state;
}

export const TERMINAL = new Set(['TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED', 'TASK_STATE_CANCELLED', 'TASK_STATE_SKIPPED']);

/** The share of tasks that reached a terminal state, 0..1. */
export function progressOf(m: PlanModel): number {
  if (m.tasks.size === 0) return 0;
  let done = 0;
  for (const t of m.tasks.values()) if (TERMINAL.has(t.state)) done++;
  return done / m.tasks.size;
}

/** Who has arrived at a barrier: the tasks it waits for ("after") that succeeded, and those still awaited. */
export function arrivals(m: PlanModel, s: SyncModel): { arrived: string[]; awaited: string[] } {
  const arrived: string[] = [];
  const awaited: string[] = [];
  for (const id of s.after) (m.tasks.get(id)?.state === 'TASK_STATE_SUCCEEDED' ? arrived : awaited).push(id);
  return { arrived, awaited };
}

import { describe, expect, it } from 'vitest';
import { applyEvent, arrivals, emptyPlan, progressOf, seedFromStatus } from './model';
import { byLevel, criticalPath, levels, topoOrder } from './graph';

const t = (id: string, dependsOn: string[] = [], estimateMinutes = 10) => ({ id, dependsOn, estimateMinutes, orchestrator: 'backend' });

function accepted(tasks: any[], syncPoints: any[] = []) {
  const m = emptyPlan('p1');
  applyEvent(m, { sequence: '1', time: '2026-12-04T10:00:00Z', planAccepted: { name: 'demo', tasks, syncPoints, submittedBy: { subject: 'alice' } } });
  return m;
}

describe('applyEvent', () => {
  it('builds tasks and sync points from PlanAccepted and moves tasks through their states', () => {
    const m = accepted([t('a'), t('b', ['a'])], [{ name: 'S', after: ['a'], before: ['b'] }]);
    expect(m.order).toEqual(['a', 'b']);
    expect(m.submitter).toBe('alice');
    expect(m.timeScale).toBe(1);
    applyEvent(m, { sequence: '2', time: '2026-12-04T10:00:01Z', taskDelegated: { taskId: 'a', attempt: 1, instanceId: 'backend-1' } });
    expect(m.tasks.get('a')!.state).toBe('TASK_STATE_DELEGATED');
    expect(m.state).toBe('PLAN_STATE_RUNNING');
    expect(arrivals(m, m.syncPoints.get('S')!)).toEqual({ arrived: [], awaited: ['a'] });
    applyEvent(m, { sequence: '3', time: '2026-12-04T10:00:02Z', taskStarted: { taskId: 'a', attempt: 1, instanceId: 'backend-1' } });
    applyEvent(m, { sequence: '4', time: '2026-12-04T10:00:05Z', taskSucceeded: { taskId: 'a', attempt: 1, result: { usage: { costUsd: 0.25 } } } });
    const a = m.tasks.get('a')!;
    expect(a.state).toBe('TASK_STATE_SUCCEEDED');
    expect(a.costUsd).toBe(0.25);
    expect(m.bars).toEqual([{ taskId: 'a', attempt: 1, instanceId: 'backend-1', startMs: Date.parse('2026-12-04T10:00:01Z'), endMs: Date.parse('2026-12-04T10:00:05Z'), outcome: 'succeeded' }]);
    expect(arrivals(m, m.syncPoints.get('S')!)).toEqual({ arrived: ['a'], awaited: [] });
    applyEvent(m, { sequence: '5', syncPointReleased: { name: 'S' } });
    expect(m.syncPoints.get('S')!.state).toBe('SYNC_POINT_STATE_RELEASED');
    expect(progressOf(m)).toBe(0.5);
  });

  it('ignores replayed events at or below the last sequence', () => {
    const m = accepted([t('a')]);
    applyEvent(m, { sequence: '2', taskSucceeded: { taskId: 'a', attempt: 1 } });
    applyEvent(m, { sequence: '2', taskFailed: { taskId: 'a', attempt: 1 } });
    expect(m.tasks.get('a')!.state).toBe('TASK_STATE_SUCCEEDED');
  });

  it('marks retries, failovers and rollbacks, and closes a failed attempt', () => {
    const m = accepted([t('a')]);
    applyEvent(m, { sequence: '2', taskDelegated: { taskId: 'a', attempt: 1, instanceId: 'x' } });
    applyEvent(m, { sequence: '3', taskFailed: { taskId: 'a', attempt: 1, willRetry: true } });
    expect(m.tasks.get('a')!.state).toBe('TASK_STATE_RETRY_WAIT');
    applyEvent(m, { sequence: '4', taskRetried: { taskId: 'a', attempt: 2 } });
    applyEvent(m, { sequence: '5', recoveryPerformed: { result: { failedOrchestrator: 'x', backupOrchestrator: 'y', recoveryType: 'failover' } } });
    applyEvent(m, { sequence: '6', checkpointRolledBack: { taskId: 'a', reason: 'bad' } });
    expect(m.bars[0].outcome).toBe('failed');
    expect(m.marks.map((k) => k.kind)).toEqual(['retry', 'failover', 'rollback']);
    expect(m.marks[1].instanceId).toBe('x');
  });

  it('records conflicts with their remediation tasks and settles them when the sync point is released', () => {
    const m = accepted([t('a')], [{ name: 'S', after: ['a'] }]);
    const conflict = { check: 'api_contract', parties: ['frontend', 'backend'], location: 'GET /cart', policy: 'backend_wins' };
    applyEvent(m, { sequence: '2', syncPointChecked: { name: 'S', round: 1, conflicts: [conflict], remediationTasks: ['fix-1'] } });
    applyEvent(m, { sequence: '3', taskAdded: { task: { id: 'fix-1', state: 'TASK_STATE_PENDING' }, syncPoint: 'S', round: 1 } });
    expect(m.conflicts).toHaveLength(1);
    expect(m.conflicts[0]).toMatchObject({ check: 'api_contract', remediationTasks: ['fix-1'], settled: false });
    expect(m.tasks.get('fix-1')!.remediationOf).toBe('S');
    applyEvent(m, { sequence: '4', syncPointReleased: { name: 'S', result: { unresolved: [] } } });
    expect(m.conflicts[0].settled).toBe(true);
  });

  it('leaves an unresolved conflict unsettled', () => {
    const m = accepted([t('a')], [{ name: 'S', after: ['a'] }]);
    const conflict = { check: 'deployment', parties: ['devops'], location: 'k8s/x.yaml' };
    applyEvent(m, { sequence: '2', syncPointChecked: { name: 'S', round: 1, conflicts: [conflict] } });
    applyEvent(m, { sequence: '3', syncPointReleased: { name: 'S', result: { unresolved: [conflict] } } });
    expect(m.conflicts[0].settled).toBe(false);
  });
});

describe('seedFromStatus', () => {
  it('draws the status at once and lets older events add only history', () => {
    const m = emptyPlan('p1');
    seedFromStatus(m, {
      name: 'demo', state: 'PLAN_STATE_RUNNING', lastSequence: '4', timeScale: 0.01,
      tasks: [{ id: 'a', state: 'TASK_STATE_SUCCEEDED', instanceId: 'x' }, { id: 'b', state: 'TASK_STATE_RUNNING', dependsOn: ['a'] }],
      syncPoints: [{ name: 'S', state: 'SYNC_POINT_STATE_RELEASED', after: ['a'] }],
    });
    expect(m.tasks.get('a')!.state).toBe('TASK_STATE_SUCCEEDED');
    applyEvent(m, { sequence: '1', planAccepted: { name: 'demo', tasks: [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }], syncPoints: [{ name: 'S' }] } });
    applyEvent(m, { sequence: '2', time: '2026-12-04T10:00:00Z', taskDelegated: { taskId: 'a', attempt: 1, instanceId: 'x' } });
    applyEvent(m, { sequence: '3', time: '2026-12-04T10:00:01Z', taskSucceeded: { taskId: 'a', attempt: 1 } });
    applyEvent(m, { sequence: '4', time: '2026-12-04T10:00:02Z', taskDelegated: { taskId: 'b', attempt: 1, instanceId: 'y' } });
    expect(m.tasks.get('a')!.state).toBe('TASK_STATE_SUCCEEDED');
    expect(m.tasks.get('b')!.state).toBe('TASK_STATE_RUNNING');
    expect(m.syncPoints.get('S')!.state).toBe('SYNC_POINT_STATE_RELEASED');
    expect(m.bars.map((b) => [b.taskId, b.outcome])).toEqual([['a', 'succeeded'], ['b', 'running']]);
    applyEvent(m, { sequence: '5', taskSucceeded: { taskId: 'b', attempt: 1 } });
    expect(m.tasks.get('b')!.state).toBe('TASK_STATE_SUCCEEDED');
    expect(m.timeScale).toBe(0.01);
  });

  it('is ignored when the stream already delivered events', () => {
    const m = emptyPlan('p1');
    applyEvent(m, { sequence: '1', planAccepted: { name: 'demo', tasks: [{ id: 'a' }] } });
    seedFromStatus(m, { name: 'other', lastSequence: '9', tasks: [] });
    expect(m.name).toBe('demo');
    expect(m.seededSequence).toBe(0);
  });
});

describe('graph', () => {
  it('orders and levels tasks by their dependencies, ignoring unknown ones', () => {
    const m = accepted([t('c', ['b']), t('b', ['a', 'ghost']), t('a'), t('d')]);
    expect(topoOrder(m.tasks, m.order)).toEqual(['a', 'd', 'b', 'c']);
    expect([...levels(m.tasks, m.order)]).toEqual([['a', 0], ['d', 0], ['b', 1], ['c', 2]]);
    expect(byLevel(m.tasks, m.order)).toEqual([['a', 'd'], ['b'], ['c']]);
  });

  it('puts tasks on a cycle last instead of looping', () => {
    const m = accepted([t('a', ['b']), t('b', ['a']), t('c')]);
    expect(topoOrder(m.tasks, m.order)).toEqual(['c', 'a', 'b']);
  });

  it('finds the longest chain by estimates before anything runs', () => {
    // a(10) -> b(30) -> d(5) = 45 beats a(10) -> c(20) -> d(5) = 35 and e(40).
    const m = accepted([t('a', [], 10), t('b', ['a'], 30), t('c', ['a'], 20), t('d', ['b', 'c'], 5), t('e', [], 40)]);
    expect(criticalPath(m.tasks, m.order, 0)).toEqual({ path: ['a', 'b', 'd'], minutes: 45 });
  });

  it('uses measured durations for finished tasks and elapsed time for running ones', () => {
    const m = accepted([t('a', [], 10), t('b', ['a'], 30), t('c', ['a'], 20), t('d', ['b', 'c'], 5)]);
    const minute = 60_000;
    Object.assign(m.tasks.get('a')!, { startedMs: 0, finishedMs: 10 * minute });
    Object.assign(m.tasks.get('b')!, { startedMs: 10 * minute, finishedMs: 15 * minute }); // 5, faster than its 30
    Object.assign(m.tasks.get('c')!, { startedMs: 10 * minute }); // running for 50 at now
    const cp = criticalPath(m.tasks, m.order, 60 * minute);
    expect(cp.path).toEqual(['a', 'c', 'd']);
    expect(cp.minutes).toBe(65);
  });

  it('handles an empty plan and lays out 10,000 tasks quickly', () => {
    expect(criticalPath(new Map(), [], 0)).toEqual({ path: [], minutes: 0 });
    const tasks = Array.from({ length: 10_000 }, (_, i) => t(`t${i}`, i >= 100 ? [`t${i - 100}`, `t${i - 37 >= 0 ? i - 37 : 0}`] : []));
    const m = accepted(tasks);
    const start = performance.now();
    const cp = criticalPath(m.tasks, m.order, 0);
    const groups = byLevel(m.tasks, m.order);
    expect(performance.now() - start).toBeLessThan(500);
    expect(cp.path.length).toBeGreaterThan(100);
    expect(groups.flat()).toHaveLength(10_000);
  });
});

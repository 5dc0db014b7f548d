/**
 * The timeline: one row per orchestrator instance, a bar per task attempt (TaskDelegated to its
 * outcome), retries, failovers (RecoveryPerformed) and rollbacks (CheckpointRolledBack) marked with
 * a symbol and a text label. Widths are shares of the plan's span, so it needs no measuring.
 */
import { useMemo } from 'preact/hooks';
import { duration } from '../format';
import { Bar, PlanModel } from '../logic/model';
import { taskHref } from '../router';

const MARK = { retry: '↻', failover: '⇄', rollback: '⟲' } as const;

export function Gantt({ m, version }: { m: PlanModel; version: number }) {
  const rows = useMemo(() => {
    const byInstance = new Map<string, Bar[]>();
    for (const b of m.bars) {
      let list = byInstance.get(b.instanceId);
      if (!list) byInstance.set(b.instanceId, (list = []));
      list.push(b);
    }
    return [...byInstance].sort(([a], [b]) => a.localeCompare(b));
  }, [version]);
  if (rows.length === 0) return null;
  const start = Math.min(...m.bars.map((b) => b.startMs));
  const end = Math.max(m.finishedMs ?? Date.now(), ...m.bars.map((b) => b.endMs ?? b.startMs));
  const span = Math.max(1, end - start);
  const pct = (t: number) => `${((t - start) / span) * 100}%`;
  const marksOf = (instance: string) => m.marks.filter((k) => k.instanceId === instance);
  const orphanMarks = m.marks.filter((k) => !rows.some(([i]) => i === k.instanceId));
  return (
    <section aria-labelledby="gantt-title">
      <h2 id="gantt-title">Timeline</h2>
      <p class="muted">{duration(span)} from the first delegation. Marks: ↻ retry, ⇄ failover, ⟲ rollback.</p>
      <div class="gantt" data-testid="gantt">
        {rows.map(([instance, bars]) => (
          <div class="gantt-row" key={instance} data-instance={instance}>
            <div class="gantt-label">{instance || 'unassigned'}</div>
            <div class="gantt-track">
              {bars.map((b) => (
                <a key={`${b.taskId}#${b.attempt}`} class={`bar o-${b.outcome}`} href={taskHref(m.planId, b.taskId)}
                  style={{ left: pct(b.startMs), width: `max(2px, ${(((b.endMs ?? end) - b.startMs) / span) * 100}%)` }}
                  title={`${b.taskId} attempt ${b.attempt}: ${b.outcome}, ${duration((b.endMs ?? end) - b.startMs)}`}
                  aria-label={`${b.taskId} attempt ${b.attempt} on ${instance}: ${b.outcome}`} tabIndex={-1} />
              ))}
              {marksOf(instance).map((k, i) => (
                <span key={i} class={`mark k-${k.kind}`} style={{ left: pct(k.timeMs) }} title={k.label} role="img" aria-label={k.label}>{MARK[k.kind]}</span>
              ))}
            </div>
          </div>
        ))}
      </div>
      {m.marks.length > 0 && (
        <ul class="marks" aria-label="Retries, failovers and rollbacks">
          {m.marks.map((k, i) => <li key={i} data-mark={k.kind}>{MARK[k.kind]} {new Date(k.timeMs).toLocaleTimeString()} {k.label}{orphanMarks.includes(k) ? '' : ''}</li>)}
        </ul>
      )}
    </section>
  );
}

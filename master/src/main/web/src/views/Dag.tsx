/**
 * The DAG: tasks in columns by level (logic/graph.ts), coloured by state with a symbol and the state
 * word (the legend is not colour-only), the critical path outlined and marked ★. Edges are drawn for
 * plans up to {@link EDGE_LIMIT} tasks; a level longer than {@link LEVEL_LIMIT} shows that many until
 * expanded, so a 10,000-task plan stays responsive. Every node is a link: Tab reaches each task.
 */
import { memo } from 'preact/compat';
import { useMemo, useState } from 'preact/hooks';
import { stateSymbol, stateWord } from '../format';
import { byLevel, criticalPath } from '../logic/graph';
import { PlanModel, TaskModel } from '../logic/model';
import { taskHref } from '../router';

export const EDGE_LIMIT = 400;
export const LEVEL_LIMIT = 300;
const W = 200, H = 46, GX = 56, GY = 10;
const LEGEND = ['pending', 'ready', 'delegated', 'running', 'retry wait', 'succeeded', 'failed', 'cancelled', 'skipped'];

const Node = memo(function Node({ planId, t, x, y, critical, state }: { planId: string; t: TaskModel; x: number; y: number; critical: boolean; state: string }) {
  const word = stateWord(state);
  return (
    <a class={`node s-${word.replace(' ', '-')}${critical ? ' critical' : ''}`} style={{ left: x, top: y, width: W, height: H }}
      href={taskHref(planId, t.id)} data-task={t.id} data-state={word}
      aria-label={`${t.id}, ${word}${critical ? ', on the critical path' : ''}, ${t.orchestrator}`}>
      <span class="node-id">{critical ? '★ ' : ''}{t.id}</span>
      <span class="node-state">{stateSymbol(word)} {word} · {t.orchestrator}</span>
    </a>
  );
});

export function Dag({ m, version }: { m: PlanModel; version: number }) {
  const [expanded, setExpanded] = useState<Set<number>>(new Set());
  const structureKey = m.order.length;
  const groups = useMemo(() => byLevel(m.tasks, m.order), [structureKey]);
  // A time-scaled plan runs faster than its estimates: wall milliseconds become plan minutes.
  const cp = useMemo(() => criticalPath(m.tasks, m.order, Date.now(), 1 / (60_000 * m.timeScale)), [version]);
  const onPath = useMemo(() => new Set(cp.path), [cp]);
  const pos = new Map<string, { x: number; y: number }>();
  let height = 0;
  groups.forEach((g, level) => {
    const shown = expanded.has(level) ? g.length : Math.min(g.length, LEVEL_LIMIT);
    for (let i = 0; i < shown; i++) pos.set(g[i], { x: level * (W + GX), y: i * (H + GY) });
    height = Math.max(height, shown * (H + GY) + (shown < g.length ? 40 : 0));
  });
  const width = groups.length * (W + GX);
  const edges: preact.JSX.Element[] = [];
  if (m.tasks.size <= EDGE_LIMIT) {
    for (const [id, p] of pos) {
      for (const d of m.tasks.get(id)!.dependsOn) {
        const q = pos.get(d);
        if (!q) continue;
        const x1 = q.x + W, y1 = q.y + H / 2, x2 = p.x, y2 = p.y + H / 2;
        const hot = onPath.has(id) && onPath.has(d);
        edges.push(<path key={`${d}>${id}`} class={hot ? 'edge critical' : 'edge'} d={`M${x1},${y1} C${x1 + GX / 2},${y1} ${x2 - GX / 2},${y2} ${x2},${y2}`} />);
      }
    }
  }
  return (
    <section aria-labelledby="dag-title">
      <h2 id="dag-title">Tasks</h2>
      <ul class="legend" aria-label="Legend">
        {LEGEND.map((w) => <li key={w}><span class={`swatch s-${w.replace(' ', '-')}`}>{stateSymbol(w)}</span> {w}</li>)}
        <li><span class="swatch critical">★</span> critical path ({Math.round(cp.minutes)} min)</li>
      </ul>
      <div class="dag-scroll" data-testid="dag">
        <div class="dag" style={{ width, height }}>
          <svg class="edges" width={width} height={height} aria-hidden="true">{edges}</svg>
          {[...pos].map(([id, p]) => {
            const t = m.tasks.get(id)!;
            return <Node key={id} planId={m.planId} t={t} x={p.x} y={p.y} critical={onPath.has(id)} state={t.state} />;
          })}
          {groups.map((g, level) => g.length > LEVEL_LIMIT && !expanded.has(level) && (
            <button key={level} type="button" class="more" style={{ left: level * (W + GX), top: LEVEL_LIMIT * (H + GY) }}
              onClick={() => setExpanded(new Set(expanded).add(level))}>
              Show all {g.length} tasks of level {level + 1}
            </button>
          ))}
        </div>
      </div>
    </section>
  );
}

/** The plans: state, progress, cost and duration, live from /api/stream/plans. */
import { useEffect, useState } from 'preact/hooks';
import { stream } from '../api';
import { duration, percent, stateSymbol, stateWord, usd } from '../format';
import { planHref } from '../router';
import { timeMs } from '../logic/model';

export function PlansPage() {
  const [plans, setPlans] = useState<any[] | null>(null);
  useEffect(() => stream('/api/stream/plans', 'plans', (batch) => setPlans(batch[batch.length - 1].plans ?? [])), []);
  if (plans === null) return <p aria-busy="true">Loading plans…</p>;
  return (
    <section aria-labelledby="plans-title">
      <h1 id="plans-title">Plans</h1>
      {plans.length === 0 ? <p>No plans yet: submit one with <code>baton submit PLAN.yaml</code>.</p> : (
        <table class="grid" data-testid="plans">
          <thead><tr><th scope="col">Plan</th><th scope="col">State</th><th scope="col">Progress</th><th scope="col">Cost</th><th scope="col">Duration</th></tr></thead>
          <tbody>
            {plans.map((p) => {
              const word = stateWord(p.state);
              const share = p.tasks ? p.tasksSucceeded / p.tasks : 0;
              const start = timeMs(p.startedAt ?? p.submittedAt);
              const end = timeMs(p.finishedAt) ?? Date.now();
              return (
                <tr key={p.planId} data-plan={p.planId}>
                  <td><a href={planHref(p.planId)}>{p.name || p.planId}</a> <span class="muted">{p.planId}</span></td>
                  <td><span class={`state s-${word.replace(' ', '-')}`}>{stateSymbol(word)} {word}</span></td>
                  <td>
                    <progress max={1} value={share} aria-label={`${p.name || p.planId} progress`} /> {p.tasksSucceeded}/{p.tasks} ({percent(share)})
                  </td>
                  <td>{p.costUsd !== undefined || p.usage ? usd(p.costUsd ?? p.usage?.costUsd) : '–'}</td>
                  <td>{start ? duration(end - start) : '–'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

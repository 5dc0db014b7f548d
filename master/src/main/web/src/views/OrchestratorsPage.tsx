/** The seed's orchestrator status (active/idle/overloaded/failed, load, queue, response time, success rate) and each instance's health, live from /api/stream/dashboard. */
import { useEffect, useState } from 'preact/hooks';
import { stream } from '../api';
import { percent, stateWord, usd } from '../format';

export function OrchestratorsPage() {
  const [data, setData] = useState<any>(null);
  useEffect(() => stream('/api/stream/dashboard', 'dashboard', (batch) => setData(batch[batch.length - 1])), []);
  if (!data) return <p aria-busy="true">Loading orchestrators…</p>;
  const d = data.dashboard?.dashboard ?? {};
  const status: Record<string, any> = d.orchestratorStatus ?? {};
  const instances: any[] = data.orchestrators?.instances ?? [];
  const o = d.overview ?? {};
  return (
    <section aria-labelledby="orch-title">
      <h1 id="orch-title">Orchestrators</h1>
      <p>{o.activeOrchestrators ?? 0} of {o.totalOrchestrators ?? 0} active, {o.totalTasksExecuting ?? 0} tasks executing, health {percent(o.overallHealthScore)}.</p>
      <table class="grid" data-testid="orchestrators">
        <caption>Status by orchestrator</caption>
        <thead><tr><th scope="col">Orchestrator</th><th scope="col">Status</th><th scope="col">Load</th><th scope="col">Queue</th><th scope="col">Avg response</th><th scope="col">Success rate</th><th scope="col">Cost</th></tr></thead>
        <tbody>
          {Object.entries(status).sort(([a], [b]) => a.localeCompare(b)).map(([name, s]) => (
            <tr key={name} data-orchestrator={name}>
              <th scope="row">{name}</th>
              <td><span class={`state s-${s.status}`}>{s.status}</span></td>
              <td>{percent(s.currentLoad)}</td>
              <td>{s.queueLength ?? 0}</td>
              <td>{(s.avgResponseTime ?? 0).toFixed(1)} s</td>
              <td>{percent(s.successRate)}</td>
              <td>{usd(s.costUsdTotal)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table class="grid" data-testid="instances">
        <caption>Instances (health is what the circuit breaker and heartbeats decide)</caption>
        <thead><tr><th scope="col">Instance</th><th scope="col">Address</th><th scope="col">Health</th><th scope="col">Tasks</th><th scope="col">Queue</th><th scope="col">Failure rate</th><th scope="col">Heartbeat age</th></tr></thead>
        <tbody>
          {instances.map((i) => {
            const word = stateWord(i.health);
            return (
              <tr key={i.orchestrator?.id} data-instance={i.orchestrator?.id}>
                <th scope="row">{i.orchestrator?.id}</th>
                <td>{i.orchestrator?.address}</td>
                <td><span class={`state h-${word}`}>{word}</span>{i.breakerState && <span class="muted"> breaker {i.breakerState}</span>}</td>
                <td>{i.load?.currentTasks ?? 0}/{i.load?.maxConcurrentTasks ?? 0}</td>
                <td>{i.load?.queueLength ?? 0}</td>
                <td>{percent(i.load?.recentFailureRate)}</td>
                <td>{Number(i.lastHeartbeatAgeMs ?? 0)} ms</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/**
 * A plan's page: header (state, progress, cost, duration, cancel), DAG, sync-point barriers, Gantt
 * timeline and conflicts. The model is built from `/api/plans/{id}/events?after=0` (see
 * logic/model.ts) and mutated in place per batch of events; `version` triggers the render.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { getJson, postJson, Session, stream } from '../api';
import { duration, percent, stateSymbol, stateWord, usd } from '../format';
import { applyEvent, arrivals, emptyPlan, PlanModel, progressOf, seedFromStatus } from '../logic/model';
import { taskHref } from '../router';
import { Dag } from './Dag';
import { Gantt } from './Gantt';

export function PlanPage({ planId, session }: { planId: string; session: Session }) {
  const model = useRef<PlanModel>(emptyPlan(planId));
  const [version, setVersion] = useState(0);
  const [ended, setEnded] = useState(false);
  useEffect(() => {
    // The status draws the page at once; the stream from 0 then adds the history (timeline,
    // conflicts) behind it and keeps it live. Whichever answers first wins (see seedFromStatus).
    let live = true;
    getJson(`/api/plans/${encodeURIComponent(planId)}`).then((r) => {
      if (!live || !r?.status) return;
      seedFromStatus(model.current, r.status);
      setVersion(model.current.version);
    }, () => { /* the stream reports what is wrong */ });
    const close = stream(`/api/plans/${encodeURIComponent(planId)}/events?after=0`, 'plan-event', (batch) => {
      for (const e of batch) applyEvent(model.current, e);
      setVersion(model.current.version);
    }, { onEnd: () => setEnded(true) });
    return () => { live = false; close(); };
  }, [planId]);
  const m = model.current;
  if (version === 0) return <p aria-busy="true">Loading plan {planId}…</p>;
  return (
    <article aria-labelledby="plan-title" data-testid="plan" data-version={version} data-ended={ended}>
      <Header m={m} session={session} />
      <Dag m={m} version={version} />
      <Barriers m={m} version={version} />
      <Gantt m={m} version={version} />
      <Conflicts m={m} version={version} />
    </article>
  );
}

function Header({ m, session }: { m: PlanModel; session: Session }) {
  let cost = 0;
  for (const t of m.tasks.values()) cost += t.costUsd;
  const word = stateWord(m.state);
  const share = progressOf(m);
  const end = m.finishedMs ?? Date.now();
  return (
    <header class="plan-head">
      <h1 id="plan-title">{m.name || m.planId}</h1>
      <dl class="facts">
        <div><dt>State</dt><dd data-testid="plan-state"><span class={`state s-${word.replace(' ', '-')}`}>{stateSymbol(word)} {word}</span>{m.reason && <span class="muted"> {m.reason}</span>}</dd></div>
        <div><dt>Progress</dt><dd><progress max={1} value={share} aria-label="Plan progress" /> {percent(share)} of {m.tasks.size} tasks</dd></div>
        <div><dt>Cost</dt><dd>{usd(cost)}</dd></div>
        <div><dt>Duration</dt><dd>{m.startMs ? duration(end - m.startMs) : '–'}</dd></div>
        <div><dt>Submitted by</dt><dd>{m.submitter || '–'}</dd></div>
      </dl>
      <CancelButton m={m} session={session} />
    </header>
  );
}

/** Shown only when the session may cancel: the leader, and the caller is an admin or the submitter. */
function CancelButton({ m, session }: { m: PlanModel; session: Session }) {
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState('');
  const finished = m.finishedMs !== undefined;
  const allowed = session.mode === 'leader' && !session.readOnly
    && (session.roles.includes('admin') || (session.caller !== '' && session.caller === m.submitter) || (session.caller === '' && session.roles.length === 0 && m.submitter === ''));
  if (!allowed || finished) return message ? <p role="status">{message}</p> : null;
  const cancel = async () => {
    setConfirming(false);
    try {
      await postJson(`/api/plans/${encodeURIComponent(m.planId)}/cancel`);
      setMessage('Cancel requested.');
    } catch (e) {
      setMessage(`Cancel failed: ${(e as Error).message}`);
    }
  };
  return (
    <div class="cancel">
      {confirming ? (
        <div role="group" aria-label="Confirm cancel">
          <span>Cancel plan {m.name || m.planId}? Running tasks are stopped.</span>
          <button type="button" class="danger" onClick={cancel}>Yes, cancel the plan</button>
          <button type="button" onClick={() => setConfirming(false)} autofocus>No, keep it running</button>
        </div>
      ) : <button type="button" class="danger" onClick={() => setConfirming(true)}>Cancel plan…</button>}
      {message && <p role="status">{message}</p>}
    </div>
  );
}

function Barriers({ m, version }: { m: PlanModel; version: number }) {
  const points = useMemo(() => [...m.syncPoints.values()], [version]);
  if (points.length === 0) return null;
  return (
    <section aria-labelledby="sync-title">
      <h2 id="sync-title">Sync points</h2>
      <ol class="barriers">
        {points.map((s) => {
          const { arrived, awaited } = arrivals(m, s);
          const word = stateWord(s.state);
          return (
            <li key={s.name} class={`barrier b-${word}`} data-sync={s.name} data-state={word} data-arrived={arrived.length} data-awaited={awaited.length}>
              <h3>{s.name} <span class={`badge ${word === 'released' ? 'ok' : 'warn'}`}>{word}</span></h3>
              <p>Participants: {s.participants.join(', ') || '–'}{s.mode && ` · ${s.mode}`}</p>
              <p>Arrived {arrived.length} of {s.after.length}:{' '}
                {arrived.map((id) => <a key={id} class="chip ok" href={taskHref(m.planId, id)}>✓ {id}</a>)}
                {awaited.map((id) => <a key={id} class="chip" href={taskHref(m.planId, id)}>… {id}</a>)}
              </p>
              {s.before.length > 0 && <p class="muted">Holds: {s.before.join(', ')}</p>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function Conflicts({ m, version }: { m: PlanModel; version: number }) {
  const conflicts = useMemo(() => [...m.conflicts], [version]);
  return (
    <section aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">Conflicts</h2>
      {conflicts.length === 0 ? <p>No conflicts found.</p> : (
        <table class="grid" data-testid="conflicts">
          <thead><tr><th scope="col">Sync point</th><th scope="col">Check</th><th scope="col">Parties</th><th scope="col">Place</th><th scope="col">Policy</th><th scope="col">Remediation</th><th scope="col">Settled</th></tr></thead>
          <tbody>
            {conflicts.map((c, i) => (
              <tr key={i} data-settled={c.settled}>
                <td>{c.syncPoint} (round {c.round})</td>
                <td>{c.check}</td>
                <td>{c.parties.join(' vs ')}</td>
                <td><code>{c.location}</code>{c.description && <div class="muted">{c.description}</div>}</td>
                <td>{c.policy || '–'}</td>
                <td>{c.remediationTasks.length ? c.remediationTasks.map((id) => <a key={id} class="chip" href={taskHref(m.planId, id)}>{id}</a>) : '–'}</td>
                <td>{c.settled ? '✓ settled' : 'open'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

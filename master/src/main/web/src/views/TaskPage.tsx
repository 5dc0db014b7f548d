/**
 * A task's page: state, the rendered prompt, the droid's event stream, usage and cost, commit and
 * diffstat, output tail. Fetched from /api/plans/{plan}/tasks/{task} and fetched again whenever the
 * plan's event stream carries an event about this task (at most once per animation frame).
 */
import { useEffect, useState } from 'preact/hooks';
import { getJson, stream } from '../api';
import { stateSymbol, stateWord, usd } from '../format';
import { planHref } from '../router';

function mentions(e: any, taskId: string): boolean {
  for (const k in e) {
    const v = e[k];
    if (v && typeof v === 'object' && (v.taskId === taskId || v.task?.id === taskId)) return true;
  }
  return false;
}

function droidLine(ev: any): string {
  if (ev.message) return `${ev.message.role}: ${ev.message.text}`;
  if (ev.toolCall) return `tool ${ev.toolCall.name} ${ev.toolCall.input ?? ''}`;
  if (ev.toolResult) return `result${ev.toolResult.isError ? ' (error)' : ''}: ${ev.toolResult.output ?? ''}`;
  if (ev.fileChange) return `file ${ev.fileChange.change} ${ev.fileChange.path}`;
  if (ev.usage) return `usage ${ev.usage.inputTokens ?? 0} in / ${ev.usage.outputTokens ?? 0} out`;
  if (ev.error) return `error: ${ev.error.message}`;
  if (ev.completion) return `done${ev.completion.isError ? ' (error)' : ''}: ${ev.completion.result ?? ''}`;
  if (ev.raw) return `${ev.raw.type} ${ev.raw.json ?? ''}`;
  return JSON.stringify(ev);
}

export function TaskPage({ planId, taskId }: { planId: string; taskId: string }) {
  const [page, setPage] = useState<any>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    const path = `/api/plans/${encodeURIComponent(planId)}/tasks/${encodeURIComponent(taskId)}`;
    const load = () => getJson(path).then(setPage, (e) => setError(e.message));
    load();
    return stream(`/api/plans/${encodeURIComponent(planId)}/events?after=0`, 'plan-event', (batch) => {
      if (batch.some((e) => mentions(e, taskId))) load();
    });
  }, [planId, taskId]);
  if (error) return <p role="alert" class="error">{error}</p>;
  if (!page) return <p aria-busy="true">Loading task {taskId}…</p>;
  const t = page.task ?? {};
  const word = stateWord(t.state);
  const usage = page.usage?.usage ?? page.usage ?? t.usage ?? {};
  return (
    <article aria-labelledby="task-title" data-testid="task" data-state={word}>
      <p><a href={planHref(planId)}>← Plan {planId}</a></p>
      <h1 id="task-title">{t.id ?? taskId}</h1>
      <p>{t.description}</p>
      <dl class="facts">
        <div><dt>State</dt><dd><span class={`state s-${word.replace(' ', '-')}`}>{stateSymbol(word)} {word}</span></dd></div>
        <div><dt>Orchestrator</dt><dd>{t.orchestrator} {t.instanceId && `(${t.instanceId})`}</dd></div>
        <div><dt>Attempt</dt><dd>{t.attempt ?? 0}</dd></div>
        <div><dt>Droid</dt><dd>{t.droid || '–'}</dd></div>
        <div><dt>Tokens</dt><dd>{Number(usage.inputTokens ?? 0)} in / {Number(usage.outputTokens ?? 0)} out</dd></div>
        <div><dt>Cost</dt><dd>{usd(usage.costUsd)}{usage.costEstimated ? ' (estimated)' : ''}</dd></div>
        <div><dt>Commit</dt><dd><code>{page.commit || '–'}</code></dd></div>
      </dl>
      {t.lastError && <p class="error">Last error: {t.lastError}</p>}
      <h2>Prompt</h2>
      <pre class="block" data-testid="prompt" tabIndex={0}>{page.prompt || '(not known yet)'}</pre>
      <h2>Droid events</h2>
      {page.droidEventsNote && <p class="muted">{page.droidEventsNote}</p>}
      <ol class="events" data-testid="droid-events" tabIndex={0} aria-label="Droid events">
        {(page.droidEvents ?? []).map((ev: any, i: number) => <li key={ev.index ?? i}>{droidLine(ev)}</li>)}
      </ol>
      <h2>Diffstat</h2>
      <pre class="block" tabIndex={0}>{page.diffstat || '–'}</pre>
      <h2>Output tail</h2>
      <pre class="block" data-testid="output-tail" tabIndex={0}>{page.outputTail || '–'}</pre>
    </article>
  );
}

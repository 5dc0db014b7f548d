// Measures the dashboard with a big plan: time to first render (navigation start to every task node
// of the DAG's first screen on the page) and update latency (a TaskSucceeded event's time, stamped
// by the master when it appended the event, to the moment the page's node shows "succeeded"; same
// machine, same clock). Run by DashboardBenchTest (opt-in, see docs/dashboard.md "Figures").
// Usage: node dashboard-bench.mjs DASHBOARD_URL PLAN_ID OUT_JSON
import { writeFileSync } from 'node:fs';
import { launch, until } from './browser.mjs';

const [base, planId, outFile] = process.argv.slice(2);
if (!outFile) {
  console.error('usage: node dashboard-bench.mjs DASHBOARD_URL PLAN_ID OUT_JSON');
  process.exit(2);
}
const { context, close } = await launch();
const result = {};
try {
  const page = await context.newPage();
  // Before the app runs: note each TaskSucceeded's append time, and when each node turns succeeded.
  await page.addInitScript(() => {
    const w = window;
    w.__appended = new Map();
    w.__shown = new Map();
    const Native = w.EventSource;
    w.EventSource = class extends Native {
      constructor(...a) {
        super(...a);
        this.addEventListener('plan-event', (e) => {
          const now = performance.now();
          w.__messages = (w.__messages ?? 0) + 1;
          w.__firstMessage ??= now;
          w.__lastMessage = now;
          const d = JSON.parse(e.data);
          if (d.taskSucceeded && d.time) w.__appended.set(d.taskSucceeded.taskId, Date.parse(d.time));
        });
      }
    };
    w.__blockedMs = 0;
    try {
      new PerformanceObserver((list) => { for (const t of list.getEntries()) w.__blockedMs += t.duration; }).observe({ type: 'longtask' });
    } catch { /* no long-task timing */ }
    new MutationObserver((records) => {
      const now = Date.now();
      for (const r of records) {
        const n = r.target;
        if (r.type === 'attributes' && n.dataset?.state === 'succeeded' && !w.__shown.has(n.dataset.task)) w.__shown.set(n.dataset.task, now);
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
  });
  const start = Date.now();
  await page.goto(new URL(`/plans/${planId}`, base).toString());
  await until(page, 'the DAG', () => document.querySelectorAll('[data-testid=dag] [data-task]').length > 0, undefined, 120_000);
  result.firstRenderMs = Date.now() - start;
  result.nodesOnPage = await page.evaluate(() => document.querySelectorAll('[data-testid=dag] [data-task]').length);
  result.tasks = await page.evaluate(() => document.querySelector('[data-testid=plan] .facts')?.textContent ?? '');
  await until(page, 'the plan to finish', () => document.querySelector('[data-testid=plan]')?.dataset.ended === 'true', undefined, 600_000);
  const lat = await page.evaluate(() => {
    const out = [];
    for (const [id, shown] of window.__shown) {
      const appended = window.__appended.get(id);
      if (appended !== undefined && shown >= appended) out.push(shown - appended);
    }
    return out;
  });
  // Only the updates that arrived live (after the first render) measure latency; replayed ones do not.
  lat.sort((a, b) => a - b);
  const q = (p) => lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : null;
  Object.assign(result, { updates: lat.length, p50Ms: q(0.5), p95Ms: q(0.95), p99Ms: q(0.99), maxMs: lat[lat.length - 1] ?? null });
  // The server's share: time to the first byte of the finished plan's event stream, and to its status.
  const ttfb = async (path) => {
    const t = Date.now();
    const res = await fetch(new URL(path, base));
    const reader = res.body.getReader();
    await reader.read();
    const ms = Date.now() - t;
    await reader.cancel();
    return ms;
  };
  result.eventsFirstByteMs = await ttfb(`/api/plans/${planId}/events?after=0`);
  result.statusFirstByteMs = await ttfb(`/api/plans/${planId}`);
  const t0 = Date.now();
  await page.reload();
  await until(page, 'the DAG after reload', () => document.querySelector('[data-testid=plan]')?.dataset.ended === 'true', undefined, 120_000);
  result.finishedPlanRenderMs = Date.now() - t0;
  // Where the reload's time went: the span over which the events arrived, and main-thread long tasks.
  Object.assign(result, await page.evaluate(() => ({
    replayMessages: window.__messages, replaySpanMs: Math.round(window.__lastMessage - window.__firstMessage),
    replayLongTasksMs: Math.round(window.__blockedMs),
  })));
} catch (e) {
  result.failure = e.message;
} finally {
  await close();
}
writeFileSync(outFile, JSON.stringify(result, null, 2));
console.log(JSON.stringify(result));
process.exit(result.failure ? 1 : 0);

// Drives the dashboard of a running mesh in headless chromium while the e-commerce plan runs; run by
// DashboardBrowserEndToEndTest, which starts the mesh, submits the plans and checks the JSON this
// script writes. Usage: node dashboard-e2e.mjs DASHBOARD_URL ECOMMERCE_PLAN CONFLICTS_PLAN SLOW_PLAN OUT_DIR
// Writes OUT_DIR/*.png (screenshots) and OUT_DIR/results.json (what the page showed).
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, until } from './browser.mjs';

const [base, ecommerce, conflicts, slow, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node dashboard-e2e.mjs DASHBOARD_URL ECOMMERCE_PLAN CONFLICTS_PLAN SLOW_PLAN OUT_DIR');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const url = (path) => new URL(path, base).toString();
const results = { errors: [] };
const { context, close } = await launch();
try {
  const page = await context.newPage();
  page.on('pageerror', (e) => results.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') results.errors.push(m.text()); });

  // The plans list shows the running plan.
  await page.goto(url('/'));
  await until(page, 'the e-commerce plan in the plans list', (id) => !!document.querySelector(`tr[data-plan="${id}"]`), ecommerce);
  await page.screenshot({ path: join(out, 'plans.png'), fullPage: true });

  // The plan page: record, every 50 ms in the page, each task's state and the barrier's progress.
  await page.goto(url(`/plans/${ecommerce}`));
  await until(page, 'the DAG', () => document.querySelectorAll('[data-testid=dag] [data-task]').length > 0);
  await page.evaluate(() => {
    const w = window;
    w.__seen = {};
    w.__barrier = [];
    const sample = () => {
      for (const n of document.querySelectorAll('[data-testid=dag] [data-task]')) {
        const s = (w.__seen[n.dataset.task] ??= []);
        if (s[s.length - 1] !== n.dataset.state) s.push(n.dataset.state);
      }
      const b = document.querySelector('[data-sync="Integration Testing"]');
      if (b) {
        const v = `${b.dataset.state}:${b.dataset.arrived}/${Number(b.dataset.arrived) + Number(b.dataset.awaited)}`;
        if (w.__barrier[w.__barrier.length - 1] !== v) w.__barrier.push(v);
      }
    };
    sample();
    w.__sampler = setInterval(sample, 50);
  });
  await until(page, 'some tasks succeeded while others still run',
    () => { const s = [...document.querySelectorAll('[data-testid=dag] [data-task]')].map((n) => n.dataset.state); return s.includes('succeeded') && s.some((x) => x !== 'succeeded'); }, undefined, 60_000);
  await page.screenshot({ path: join(out, 'plan-running.png'), fullPage: true });
  await until(page, 'the plan to finish', () => document.querySelector('[data-testid=plan]')?.dataset.ended === 'true', undefined, 90_000);
  await page.waitForFunction(() => true); // one more frame for the last batch
  Object.assign(results, await page.evaluate(() => {
    clearInterval(window.__sampler);
    return {
      planState: document.querySelector('[data-testid=plan-state] .state')?.textContent ?? '',
      seen: window.__seen,
      barrier: window.__barrier,
      criticalPath: [...document.querySelectorAll('[data-testid=dag] .node.critical')].map((n) => n.dataset.task),
      ganttRows: document.querySelectorAll('[data-testid=gantt] .gantt-row').length,
      ganttBars: document.querySelectorAll('[data-testid=gantt] .bar').length,
    };
  }));
  await page.screenshot({ path: join(out, 'plan-finished.png'), fullPage: true });

  // A task page, reached by a click on its node.
  await page.click('[data-testid=dag] [data-task="product-api-design"]');
  await until(page, 'the task page', () => document.querySelector('[data-testid=task]')?.dataset.state === 'succeeded');
  results.taskPage = await page.evaluate(() => ({
    path: location.pathname,
    title: document.querySelector('#task-title')?.textContent,
    state: document.querySelector('[data-testid=task]')?.dataset.state,
    facts: document.querySelector('[data-testid=task] .facts')?.textContent ?? '',
    prompt: document.querySelector('[data-testid=prompt]')?.textContent ?? '',
    droidEvents: document.querySelectorAll('[data-testid=droid-events] li').length,
  }));
  await page.screenshot({ path: join(out, 'task.png'), fullPage: true });

  // The conflicts example: three conflicts, each settled.
  await page.goto(url(`/plans/${conflicts}`));
  await until(page, 'three settled conflicts', () => document.querySelectorAll('[data-testid=conflicts] tr[data-settled=true]').length >= 3, undefined, 90_000);
  results.conflicts = await page.evaluate(() => [...document.querySelectorAll('[data-testid=conflicts] tbody tr')].map((r) => ({
    cells: [...r.querySelectorAll('td')].map((c) => c.textContent), settled: r.dataset.settled === 'true',
  })));
  await page.screenshot({ path: join(out, 'conflicts.png'), fullPage: true });

  // The orchestrators view.
  await page.goto(url('/orchestrators'));
  await until(page, 'the orchestrators table', () => document.querySelectorAll('[data-testid=orchestrators] tbody tr').length >= 4);
  results.orchestrators = await page.evaluate(() => [...document.querySelectorAll('[data-testid=orchestrators] tbody tr')].map((r) => r.dataset.orchestrator));
  await page.screenshot({ path: join(out, 'orchestrators.png'), fullPage: true });

  // Keyboard only: from the plans list, Tab to the plan's link, Enter, Tab to a task, Enter.
  await page.goto(url('/'));
  await until(page, 'the plans list', (id) => !!document.querySelector(`tr[data-plan="${id}"] a`), ecommerce);
  const tabTo = async (what, test, arg, max) => {
    for (let i = 1; i <= max; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(test, arg)) return i;
    }
    throw new Error(`keyboard: ${what} not reached in ${max} presses of Tab`);
  };
  const toPlan = await tabTo('the plan link', (id) => document.activeElement?.closest(`tr[data-plan="${id}"]`) != null, ecommerce, 40);
  const focusVisible = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle !== 'none');
  await page.keyboard.press('Enter');
  await until(page, 'the plan page after Enter', () => document.querySelectorAll('[data-testid=dag] [data-task]').length > 0);
  const toTask = await tabTo('a task node', () => document.activeElement?.dataset?.task != null, undefined, 40);
  const focusedTask = await page.evaluate(() => document.activeElement.dataset.task);
  await page.keyboard.press('Enter');
  await until(page, 'the task page after Enter', () => !!document.querySelector('[data-testid=task]'));
  results.keyboard = { toPlan, toTask, focusedTask, focusVisible, path: await page.evaluate(() => location.pathname) };

  // Cancel: the button asks first, then the plan ends cancelled.
  await page.goto(url(`/plans/${slow}`));
  await page.getByRole('button', { name: 'Cancel plan…' }).click();
  const confirm = page.getByRole('button', { name: 'Yes, cancel the plan' });
  const confirmShown = await confirm.isVisible();
  await confirm.click();
  await until(page, 'the plan cancelled', () => document.querySelector('[data-testid=plan-state] .state')?.textContent.includes('cancelled'));
  results.cancel = { confirmShown, state: await page.textContent('[data-testid=plan-state] .state') };
  await page.screenshot({ path: join(out, 'cancelled.png'), fullPage: true });
} catch (e) {
  results.failure = e.message;
} finally {
  await close();
}
writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2));
console.log(JSON.stringify({ failure: results.failure ?? null, errors: results.errors.length }));
process.exit(results.failure ? 1 : 0);

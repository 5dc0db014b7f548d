// Shared by the dashboard's browser scripts: launches Debian's chromium through playwright-core (from
// .tools/dashboard-browser, installed by scripts/tools/chromium.sh) with the flags it needs on a
// closed network (else it hangs on its update and sync checks), and a fresh profile.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function launch() {
  const modules = process.env.BATON_BROWSER_MODULES;
  if (!modules) throw new Error('BATON_BROWSER_MODULES is not set (expected: .tools/dashboard-browser/node_modules; run scripts/tools/chromium.sh)');
  const { chromium } = createRequire(join(modules, 'x.js'))('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'baton-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.BATON_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const close = async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); };
  return { context, close };
}

/** Fails with a message naming what was awaited when `deadlineMs` passes. */
export async function until(page, what, fn, arg, deadlineMs = 60_000) {
  try {
    return await page.waitForFunction(fn, arg, { timeout: deadlineMs, polling: 50 });
  } catch (e) {
    throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
  }
}

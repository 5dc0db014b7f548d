/**
 * Talks to the master's dashboard API (docs/dashboard.md): JSON GETs, the cancel POST with its CSRF
 * header, login, and server-sent event streams whose messages are batched per animation frame so a
 * burst of events (a 10,000-task plan) costs one render, not thousands.
 */

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** Called on any 401 so the app can show the token form. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(f: () => void) {
  onUnauthorized = f;
}

async function parse(res: Response): Promise<any> {
  if (res.status === 204) return null;
  const text = await res.text();
  let body: any = null;
  try { body = text ? JSON.parse(text) : null; } catch { /* not JSON: keep the text for the message */ }
  if (!res.ok) {
    if (res.status === 401) onUnauthorized();
    throw new ApiError(res.status, body?.code ?? String(res.status), body?.error ?? (text || res.statusText));
  }
  return body;
}

export async function getJson(path: string): Promise<any> {
  return parse(await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } }));
}

export async function postJson(path: string, body?: unknown): Promise<any> {
  return parse(await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-Baton-Request': '1' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }));
}

export interface Session {
  caller: string;
  roles: string[];
  mode: string;
  readOnly: boolean;
  leader: string;
  masterId: string;
}

/** A batch at least this big is a replay, not live updates: the next render waits CATCH_UP_MS. */
export const CATCH_UP_BATCH = 200;
export const CATCH_UP_MS = 250;

/**
 * Opens an SSE stream and hands its messages of `event` to `onBatch` at most once per animation
 * frame (or every 100 ms in a hidden tab, where frames stop; see CATCH_UP_MS for replays). EventSource reconnects by itself and
 * sends Last-Event-ID, so a plan stream resumes where it stopped. Returns a function that closes it.
 */
export function stream(path: string, event: string, onBatch: (data: any[]) => void, handlers: { onEnd?: () => void; onError?: () => void } = {}): () => void {
  const source = new EventSource(path, { withCredentials: true });
  let pending: any[] = [];
  let scheduled = false;
  let notBefore = 0;
  const flush = (force = false) => {
    const wait = notBefore - performance.now();
    if (wait > 0 && !force) {
      setTimeout(flush, wait);
      return;
    }
    scheduled = false;
    const batch = pending;
    pending = [];
    // A big batch means a replay (a page opened on a long plan): render it at most every
    // CATCH_UP_MS instead of every frame, so tens of thousands of events cost a few renders.
    if (batch.length >= CATCH_UP_BATCH) notBefore = performance.now() + CATCH_UP_MS;
    if (batch.length) onBatch(batch);
  };
  source.addEventListener(event, (e) => {
    pending.push(JSON.parse((e as MessageEvent).data));
    if (!scheduled) {
      scheduled = true;
      if (document.hidden) setTimeout(flush, 100); else requestAnimationFrame(() => flush());
    }
  });
  source.addEventListener('end', () => {
    flush(true); // before onEnd: the last events are applied first
    source.close();
    handlers.onEnd?.();
  });
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) handlers.onError?.();
    else if (!navigator.onLine) handlers.onError?.();
  };
  return () => source.close();
}

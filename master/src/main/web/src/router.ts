/** Client-side routes (the master serves index.html for every non-/api path): `/`, `/orchestrators`, `/plans/ID`, `/plans/ID/tasks/TASK`. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'plans' }
  | { page: 'orchestrators' }
  | { page: 'plan'; planId: string }
  | { page: 'task'; planId: string; taskId: string };

export function parseRoute(path: string): Route {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'plans' && parts.length === 2) return { page: 'plan', planId: parts[1] };
  if (parts[0] === 'plans' && parts[2] === 'tasks' && parts.length === 4) return { page: 'task', planId: parts[1], taskId: parts[3] };
  if (parts[0] === 'orchestrators') return { page: 'orchestrators' };
  return { page: 'plans' };
}

export const planHref = (planId: string) => `/plans/${encodeURIComponent(planId)}`;
export const taskHref = (planId: string, taskId: string) => `${planHref(planId)}/tasks/${encodeURIComponent(taskId)}`;

export function navigate(href: string) {
  history.pushState(null, '', href);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** Follows same-origin links without reloading; modified clicks (new tab) are left to the browser. */
export function onLinkClick(e: MouseEvent) {
  const a = (e.target as Element).closest?.('a');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const href = a.getAttribute('href');
  if (!href || !href.startsWith('/') || a.target) return;
  e.preventDefault();
  navigate(href);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const f = () => setRoute(parseRoute(location.pathname));
    addEventListener('popstate', f);
    return () => removeEventListener('popstate', f);
  }, []);
  return route;
}

/** Formatting shared by the views: states as words (never colour alone), money, durations. */

export function stateWord(state: string | undefined): string {
  if (!state) return 'unknown';
  return state.replace(/^(TASK|PLAN|SYNC_POINT|INSTANCE_HEALTH)_STATE_|^INSTANCE_HEALTH_/, '').toLowerCase().replace(/_/g, ' ');
}

/** A symbol beside each state, so the legend does not rely on colour. */
export function stateSymbol(word: string): string {
  switch (word) {
    case 'succeeded': return '✓';
    case 'failed': return '✗';
    case 'running': return '▶';
    case 'delegated': return '→';
    case 'ready': return '○';
    case 'retry wait': return '↻';
    case 'cancelled': return '⊘';
    case 'skipped': return '⤼';
    case 'degraded': return '!';
    default: return '·';
  }
}

export function usd(n: number | undefined): string {
  return `$${(n ?? 0).toFixed(n && n < 1 ? 4 : 2)}`;
}

export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function percent(x: number | undefined): string {
  return `${Math.round((x ?? 0) * 100)}%`;
}

/** The dashboard's entry: session, token form on 401, navigation and the page of the current route. */
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, getJson, postJson, Session, setUnauthorizedHandler } from './api';
import { onLinkClick, useRoute } from './router';
import { PlansPage } from './views/PlansPage';
import { PlanPage } from './views/PlanPage';
import { TaskPage } from './views/TaskPage';
import { OrchestratorsPage } from './views/OrchestratorsPage';
import './styles.css';

function TokenForm({ onDone }: { onDone: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await postJson('/api/login', { token });
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form class="card login" onSubmit={submit} aria-labelledby="login-title">
      <h2 id="login-title">Sign in</h2>
      <p>This master needs a token (the same as for the gRPC API; see docs/security.md).</p>
      <label for="token">Access token</label>
      <input id="token" type="password" autocomplete="current-password" value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} required />
      <button type="submit">Sign in</button>
      {error && <p role="alert" class="error">{error}</p>}
    </form>
  );
}

function App() {
  const route = useRoute();
  const [session, setSession] = useState<Session | null>(null);
  const [needsLogin, setNeedsLogin] = useState(false);
  const [error, setError] = useState('');
  const load = useCallback(() => {
    getJson('/api/session').then((s) => { setSession(s); setNeedsLogin(false); setError(''); })
      .catch((e) => { if (!(e instanceof ApiError && e.status === 401)) setError(e.message); });
  }, []);
  useEffect(() => {
    setUnauthorizedHandler(() => setNeedsLogin(true));
    load();
  }, []);
  const logout = async () => { await postJson('/api/logout'); setSession(null); setNeedsLogin(true); };
  return (
    <div onClick={onLinkClick as any}>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <a href="/" class="brand">Baton</a>
        <nav aria-label="Main">
          <a href="/" aria-current={route.page === 'plans' ? 'page' : undefined}>Plans</a>
          <a href="/orchestrators" aria-current={route.page === 'orchestrators' ? 'page' : undefined}>Orchestrators</a>
        </nav>
        {session && (
          <div class="session" data-testid="session">
            <span>{session.caller || 'anonymous'}{session.roles.length ? ` (${session.roles.join(', ')})` : ''}</span>
            <span class={`badge ${session.readOnly ? 'warn' : 'ok'}`}>{session.mode}{session.readOnly ? ', read-only' : ''}</span>
            {session.caller && <button type="button" class="link" onClick={logout}>Sign out</button>}
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {session?.readOnly && (
          <p class="notice" role="status">This master is a standby: read-only. The leader is {session.leader || 'unknown'}.</p>
        )}
        {error && <p role="alert" class="error">{error}</p>}
        {needsLogin ? <TokenForm onDone={load} /> : session && <Page session={session} />}
      </main>
    </div>
  );
}

function Page({ session }: { session: Session }) {
  const route = useRoute();
  useEffect(() => { document.getElementById('main')?.focus({ preventScroll: true }); }, [route]);
  switch (route.page) {
    case 'plan': return <PlanPage key={route.planId} planId={route.planId} session={session} />;
    case 'task': return <TaskPage key={route.planId + '/' + route.taskId} planId={route.planId} taskId={route.taskId} />;
    case 'orchestrators': return <OrchestratorsPage />;
    default: return <PlansPage />;
  }
}

render(<App />, document.getElementById('app')!);

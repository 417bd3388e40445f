import { useState } from 'preact/hooks';

import type { PersonRole } from '../../../src/contracts/session';
import { DevTokenRequestSchema, DevTokenSchema, PersonRoleSchema } from '../../../src/contracts/session';
import { apiJson } from '../api/client';
import { useAuthConfig } from '../api/queries';
import { roleLabel } from '../lib/labels';
import { useSession } from './session';

/** Sign in with a bearer token from your identity provider, or (embedded default only) the development sign-in. */
export function SignIn() {
  const { notice } = useSession();
  const config = useAuthConfig();
  return (
    <div class="sign-in">
      <h1>Sign in to Reunify</h1>
      {notice ? (
        <p class="notice" role="alert">
          {notice}
        </p>
      ) : null}
      <div class="sign-in-options">
        <PasteToken />
        {config.data?.devSignIn ? <DevSignIn /> : null}
      </div>
      {config.error ? <p class="state error">Could not ask the server how to sign in: {(config.error as Error).message}</p> : null}
    </div>
  );
}

function PasteToken() {
  const { signIn } = useSession();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(token.trim().replace(/^Bearer\s+/i, ''));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="paste-title">
      <h2 id="paste-title">Bearer token</h2>
      <p class="hint">
        A token from your identity provider, or from <code>npm run token</code> on the server.
      </p>
      <form onSubmit={submit}>
        <div class="field">
          <label for="token">Token</label>
          <textarea
            id="token"
            rows={4}
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
            required
            aria-describedby={error ? 'token-error' : undefined}
          />
        </div>
        {error ? (
          <p class="field-error" id="token-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in with token'}
        </button>
      </form>
    </section>
  );
}

const ROLES = PersonRoleSchema.options;

function DevSignIn() {
  const { signIn } = useSession();
  const [role, setRole] = useState<PersonRole>('case_manager');
  const [sub, setSub] = useState('cm-ana');
  const [careProviderId, setCareProviderId] = useState('shelter-tx-07');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const request = DevTokenRequestSchema.safeParse({ role, sub, ...(careProviderId.trim() ? { careProviderId } : {}) });
    if (!request.success) {
      setError(request.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { token } = await apiJson(DevTokenSchema, '/auth/dev-token', { method: 'POST', body: request.data });
      await signIn(token);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel dev" aria-labelledby="dev-title">
      <h2 id="dev-title">
        <span class="badge dev-badge">Development only</span> Local sign-in
      </h2>
      <p class="hint">
        This server runs on the embedded default's local secret, so it can mint a token for anyone, as <code>npm run token</code> does. A
        server with AUTH_JWT_SECRET or AUTH_JWKS_URL has no such sign-in.
      </p>
      <form onSubmit={submit}>
        <div class="field">
          <label for="dev-role">Role</label>
          <select id="dev-role" value={role} onChange={(e) => setRole(e.currentTarget.value as PersonRole)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {roleLabel(r)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="dev-sub">Subject (who you are)</label>
          <input id="dev-sub" value={sub} onInput={(e) => setSub(e.currentTarget.value)} required />
        </div>
        <div class="field">
          <label for="dev-provider">Care provider {role === 'case_manager' ? '(required)' : '(optional: scopes a supervisor)'}</label>
          <input id="dev-provider" value={careProviderId} onInput={(e) => setCareProviderId(e.currentTarget.value)} />
        </div>
        {error ? (
          <p class="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in (development)'}
        </button>
      </form>
    </section>
  );
}

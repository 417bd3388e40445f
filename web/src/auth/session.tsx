import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';

import type { Session } from '../../../src/contracts/session';
import { SessionSchema } from '../../../src/contracts/session';
import { apiJson, setBearer, whenUnauthenticated } from '../api/client';

/**
 * The signed-in person: their bearer token (kept for this browser tab only) and who the API says
 * they are. A token the API refuses later (expired) signs them out with the API's reason.
 */

const STORAGE_KEY = 'reunify.session';

interface Stored {
  token: string;
  session: Session;
}

export interface SessionState {
  session: Session | null;
  token: string | null;
  /** Why the last session ended, shown on the sign-in page. */
  notice: string | null;
  /** Checks the token with the API, then keeps it. Rejects with the API's reason. */
  signIn(token: string): Promise<Session>;
  signOut(notice?: string): void;
}

const SessionContext = createContext<SessionState | null>(null);

function readStored(): Stored | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Stored;
    return typeof value.token === 'string' && SessionSchema.safeParse(value.session).success ? value : null;
  } catch {
    return null;
  }
}

export function SessionProvider({ children, onChange }: { children: ComponentChildren; onChange?: () => void }) {
  const [stored, setStored] = useState<Stored | null>(readStored);
  const [notice, setNotice] = useState<string | null>(null);
  setBearer(stored?.token ?? null);

  const signOut = useCallback(
    (why?: string) => {
      sessionStorage.removeItem(STORAGE_KEY);
      setBearer(null);
      setStored(null);
      setNotice(why ?? null);
      onChange?.();
    },
    [onChange],
  );

  useEffect(() => whenUnauthenticated((message) => signOut(`Signed out: ${message}`)), [signOut]);

  const signIn = useCallback(
    async (token: string) => {
      const session = await apiJson(SessionSchema, '/session', { token });
      const next = { token, session };
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
      setBearer(token);
      setStored(next);
      setNotice(null);
      onChange?.();
      return session;
    },
    [onChange],
  );

  const value = useMemo(
    () => ({ session: stored?.session ?? null, token: stored?.token ?? null, notice, signIn, signOut }),
    [stored, notice, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The signed-in session (pages behind sign-in only). */
export function useSignedIn(): Session {
  const { session } = useSession();
  if (!session) throw new Error('useSignedIn without a session');
  return session;
}

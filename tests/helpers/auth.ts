import type { TokenSettings } from '../../src/auth/tokens';
import { createVerifier, signToken } from '../../src/auth/tokens';
import type { Actor } from '../../src/contracts/roles';

/** The tests' token settings: an HMAC secret, as the embedded default uses. */
export const TEST_TOKENS: TokenSettings = {
  key: { kind: 'secret', secret: 'test-secret-for-reunify-tokens-0123456789' },
  issuer: 'reunify',
  audience: 'reunify-api',
};
export const testVerify = createVerifier(TEST_TOKENS);

/** A valid token for an actor; case managers and care-provider supervisors get `careProviderId`. */
export function tokenFor(actor: Actor, careProviderId = 'shelter-tx-07'): Promise<string> {
  const scoped = actor.role === 'case_manager';
  return signToken(
    (TEST_TOKENS.key as { secret: string }).secret,
    { sub: actor.id, role: actor.role, ...(scoped ? { care_provider: careProviderId } : {}) },
    { issuer: TEST_TOKENS.issuer, audience: TEST_TOKENS.audience },
  );
}

/**
 * Turns a test request body written with an `actor` (or `openedBy`) into what the API takes: the
 * body without it, and that actor's bearer token.
 */
export async function asHttp(body: unknown, fallback: Actor): Promise<{ body: unknown; authorization: string }> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { body, authorization: `Bearer ${await tokenFor(fallback)}` };
  const { actor, openedBy, ...rest } = body as { actor?: Actor; openedBy?: Actor };
  const who = actor ?? openedBy ?? fallback;
  return { body: rest, authorization: `Bearer ${await tokenFor(who)}` };
}

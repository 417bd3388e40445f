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

/**
 * Signs valid tokens with `secret` (the issuer and audience the API expects). Case managers always
 * work for a care provider; anyone else is scoped only when given one.
 */
export function tokenSigner(secret: string): (actor: Actor, careProviderId?: string) => Promise<string> {
  return (actor, careProviderId) => {
    const careProvider = careProviderId ?? (actor.role === 'case_manager' ? 'shelter-tx-07' : undefined);
    return signToken(
      secret,
      { sub: actor.id, role: actor.role, ...(careProvider ? { care_provider: careProvider } : {}) },
      { issuer: TEST_TOKENS.issuer, audience: TEST_TOKENS.audience },
    );
  };
}

/** A valid token for an actor, signed with the tests' secret. */
export const tokenFor = tokenSigner((TEST_TOKENS.key as { secret: string }).secret);

import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { SignJWT, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { z } from 'zod';

import type { Actor } from '../contracts/roles';
import { PersonRoleSchema } from '../contracts/session';

/**
 * Bearer tokens: who calls, in which role, for which care provider. Verified with `jose`, against
 * an HMAC secret (the embedded default) or an identity provider's JWKS.
 */

export { PersonRoleSchema };

export const ClaimsSchema = z.object({
  sub: z.string().min(1).max(128),
  role: PersonRoleSchema,
  care_provider: z.string().min(1).max(64).optional(),
});

export interface Principal {
  id: string;
  role: z.infer<typeof PersonRoleSchema>;
  /** The care provider the caller works for; case managers always have one. */
  careProviderId?: string;
}

export const actorOf = (principal: Principal): Actor => ({ id: principal.id, role: principal.role });

export type VerifierKey = { kind: 'secret'; secret: string } | { kind: 'jwks'; url: string };

export interface TokenSettings {
  key: VerifierKey;
  issuer: string;
  audience: string;
}

/** Why a token was refused, for the 401 answer: the fix is in the message. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
}

export type Verify = (token: string) => Promise<Principal>;

export function createVerifier(settings: TokenSettings): Verify {
  const key: Uint8Array | JWTVerifyGetKey =
    settings.key.kind === 'secret' ? new TextEncoder().encode(settings.key.secret) : createRemoteJWKSet(new URL(settings.key.url));
  return async (token) => {
    let payload: JWTPayload;
    try {
      const verified = await jwtVerify(token, key as Uint8Array, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: settings.key.kind === 'secret' ? ['HS256'] : undefined,
        requiredClaims: ['exp', 'sub'],
      });
      payload = verified.payload;
    } catch (err) {
      throw new TokenError(describeJoseError(err, settings));
    }
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) {
      const fields = claims.error.issues.map((i) => `${i.path.join('.') || 'claims'}: ${i.message}`).join('; ');
      throw new TokenError(`The token's claims are invalid (${fields}).`);
    }
    if (claims.data.role === 'case_manager' && !claims.data.care_provider) {
      throw new TokenError("A case manager's token needs a care_provider claim: the care provider whose cases they work.");
    }
    return { id: claims.data.sub, role: claims.data.role, careProviderId: claims.data.care_provider };
  };
}

function describeJoseError(err: unknown, settings: TokenSettings): string {
  if (err instanceof errors.JWTExpired) return 'The token has expired: get a new one.';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'The token signature does not verify: it was not issued for this API.';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return `The token is for another audience: this API accepts "${settings.audience}".`;
    if (err.claim === 'iss') return `The token is from another issuer: this API accepts "${settings.issuer}".`;
    return `The token lacks or has a bad "${err.claim}" claim.`;
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'The token is malformed: expected a signed JWT.';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'The token is signed with an algorithm this API does not accept.';
  return `The token could not be verified: ${(err as Error).message}`;
}

/** Issues a token signed with the HMAC secret (local use: `npm run token`, tests). */
export async function signToken(
  secret: string,
  claims: { sub: string; role: string; care_provider?: string },
  options: { issuer: string; audience: string; expiresIn?: string | number },
): Promise<string> {
  return new SignJWT({ role: claims.role, ...(claims.care_provider ? { care_provider: claims.care_provider } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '8h')
    .sign(new TextEncoder().encode(secret));
}

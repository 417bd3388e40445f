import type { FastifyInstance, FastifyRequest } from 'fastify';

import type { Principal, Verify } from '../auth/tokens';
import { TokenError } from '../auth/tokens';
import { HttpError } from './http-errors';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** Routes anyone may call: liveness and the API's own documentation. */
const PUBLIC = [/^\/health(\?|$)/, /^\/docs(\/|\?|$)/];

/**
 * Every other route needs a verified bearer token. A missing or bad token is a 401 that says
 * which, and nothing runs: the check is an onRequest hook, before the body is even read.
 */
export function registerAuthentication(app: FastifyInstance, verify: Verify): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    if (PUBLIC.some((route) => route.test(request.url))) return;
    const header = request.headers.authorization;
    if (!header) {
      throw new HttpError(
        401,
        'unauthenticated',
        'Send "Authorization: Bearer <token>". For local use, `npm run token -- --role case_manager --sub <you> --care-provider <id>` prints one.',
      );
    }
    const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
    if (!match) throw new HttpError(401, 'unauthenticated', 'The Authorization header must be "Bearer <token>".');
    try {
      request.principal = await verify(match[1]!);
    } catch (err) {
      if (err instanceof TokenError) throw new HttpError(401, 'invalid_token', err.message);
      throw err;
    }
  });
}

/** The verified caller of a protected route. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new HttpError(401, 'unauthenticated', 'This route needs a bearer token.');
  return request.principal;
}

/** Care-provider scope: case managers (and supervisors with a care provider) act on their own cases only. */
export function scopeOf(principal: Principal): string | undefined {
  if (principal.role === 'case_manager' || principal.role === 'supervisor') return principal.careProviderId;
  return undefined;
}

export function assertInScope(principal: Principal, careProviderId: string, what: string): void {
  const scope = scopeOf(principal);
  if (scope !== undefined && scope !== careProviderId) {
    throw new HttpError(403, 'out_of_scope', `${what} belongs to another care provider; your token is for ${scope}.`);
  }
}

/**
 * The care provider a list is filtered to: the caller's own when scoped (asking for another's is a
 * 403), else the one asked for, if any.
 */
export function listScope(principal: Principal, requested: string | undefined, what: string): string | undefined {
  const scope = scopeOf(principal);
  if (scope && requested && requested !== scope) {
    throw new HttpError(403, 'out_of_scope', `Your token is for care provider ${scope}; you cannot list ${requested}'s ${what}.`);
  }
  return scope ?? requested;
}

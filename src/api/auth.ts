import type { FastifyInstance, FastifyRequest } from 'fastify';

import type { Principal, Verify } from '../auth/tokens';
import { TokenError } from '../auth/tokens';
import { AppError } from '../services/errors';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/**
 * Routes anyone may call: liveness, metrics (aggregate counts only), the API's own documentation, the web application's files (its
 * page, hashed assets, icon) and how to sign in to it.
 */
const PUBLIC = [
  /^\/health(\?|$)/,
  /^\/metrics(\?|$)/,
  /^\/docs(\/|\?|$)/,
  /^\/(index\.html)?(\?|$)/,
  /^\/assets\//,
  /^\/favicon\.svg(\?|$)/,
  /^\/auth\/(config|dev-token)(\?|$)/,
];

/** Whether anyone may call this URL (a request's, or a route's as the OpenAPI document declares it). */
export const isPublicUrl = (url: string): boolean => PUBLIC.some((route) => route.test(url));

/**
 * Every other route needs a verified bearer token. A missing or bad token is a 401 that says
 * which, and nothing runs: the check is an onRequest hook, before the body is even read.
 */
export function registerAuthentication(app: FastifyInstance, verify: Verify): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    if (isPublicUrl(request.url)) return;
    const header = request.headers.authorization;
    if (!header) {
      throw new AppError(
        'unauthenticated',
        'Send "Authorization: Bearer <token>". For local use, `npm run token -- --role case_manager --sub <you> --care-provider <id>` prints one.',
      );
    }
    const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
    if (!match) throw new AppError('unauthenticated', 'The Authorization header must be "Bearer <token>".');
    try {
      request.principal = await verify(match[1]!);
    } catch (err) {
      if (err instanceof TokenError) throw new AppError('invalid_token', err.message);
      throw err;
    }
  });
}

/** The verified caller of a protected route. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated', 'This route needs a bearer token.');
  return request.principal;
}

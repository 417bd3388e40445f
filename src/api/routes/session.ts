import type { FastifySchema } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { signToken } from '../../auth/tokens';
import { AuthConfigSchema, DevTokenRequestSchema, DevTokenSchema, SessionSchema } from '../../contracts/session';
import { AppError } from '../../services/errors';
import { principalOf } from '../auth';
import { ErrorSchema } from '../schemas';

/**
 * Who the caller is, and how the web application signs people in. The development sign-in mints
 * tokens as `npm run token` does; it exists only on the embedded default's local secret (the
 * caller of buildApp passes `devSignIn` only then), never with AUTH_JWT_SECRET or AUTH_JWKS_URL.
 */
export interface DevSignIn {
  secret: string;
  issuer: string;
  audience: string;
}

const session = {
  summary: 'Who the bearer token says the caller is',
  tags: ['session'],
  response: { 200: SessionSchema, 401: ErrorSchema },
} satisfies FastifySchema;

const authConfig = {
  summary: 'How to sign in (public)',
  description: 'Tells the web application whether the development sign-in exists on this server.',
  tags: ['session'],
  response: { 200: AuthConfigSchema },
} satisfies FastifySchema;

const devToken = {
  summary: 'DEVELOPMENT ONLY: mint a local token (public)',
  description:
    "Signs a token with the embedded default's local secret, as `npm run token` does. Exists only when neither AUTH_JWT_SECRET nor AUTH_JWKS_URL is set.",
  tags: ['session'],
  body: DevTokenRequestSchema,
  response: { 200: DevTokenSchema, 400: ErrorSchema },
} satisfies FastifySchema;

const DEV_TOKEN_LIFETIME = '8h';

export const sessionRoutes: FastifyPluginAsyncZod<{ devSignIn?: DevSignIn }> = async (app, { devSignIn }) => {
  app.get('/session', { schema: session }, async (request) => {
    const principal = principalOf(request);
    return { id: principal.id, role: principal.role, careProviderId: principal.careProviderId ?? null };
  });

  app.get('/auth/config', { schema: authConfig }, async () => ({ devSignIn: devSignIn !== undefined }));

  if (!devSignIn) return;
  app.post('/auth/dev-token', { schema: devToken }, async (request) => {
    const { role, sub, careProviderId } = request.body;
    if (role === 'case_manager' && !careProviderId) {
      throw new AppError('invalid_request', 'A case manager works for a care provider: give careProviderId.');
    }
    const token = await signToken(
      devSignIn.secret,
      { sub, role, ...(careProviderId ? { care_provider: careProviderId } : {}) },
      { issuer: devSignIn.issuer, audience: devSignIn.audience, expiresIn: DEV_TOKEN_LIFETIME },
    );
    request.log.warn({ role, sub }, 'development sign-in: a local token was minted');
    return { token, expiresIn: DEV_TOKEN_LIFETIME };
  });
};

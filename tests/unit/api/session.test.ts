import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FastifyInstance } from 'fastify';

import { appOptionsFrom, buildApp, devSignInFor } from '../../../src/api/app';
import { tokenSettingsFrom } from '../../../src/auth/settings';
import { parseConfig } from '../../../src/config/env';
import { codecFrom } from '../../../src/temporal/data-converter';
import { TEST_TOKENS, testVerify, tokenFor } from '../../helpers/auth';
import { fakeWorld } from '../../helpers/fake-services';
import { apiClient } from '../../helpers/http';

/** Who the caller is, and the development sign-in: on the embedded default's local secret only. */
const devSignIn = { secret: (TEST_TOKENS.key as { secret: string }).secret, issuer: TEST_TOKENS.issuer, audience: TEST_TOKENS.audience };
let app: FastifyInstance;
afterEach(() => app.close());

const start = async (withDevSignIn: boolean) => {
  app = await buildApp({ services: fakeWorld().services, verify: testVerify, ...(withDevSignIn ? { devSignIn } : {}) });
  return apiClient(app);
};

describe('the development sign-in', () => {
  it('mints a token the API accepts, for the role, subject and care provider asked, without a bearer token', async () => {
    const api = await start(true);
    expect((await api.get('/auth/config', { token: '' })).body).toEqual({ devSignIn: true });
    const minted = await api.post<{ token: string; expiresIn: string }>(
      '/auth/dev-token',
      { role: 'case_manager', sub: 'cm-zoe', careProviderId: 'shelter-az-01' },
      { token: '' },
    );
    expect([minted.status, minted.body.expiresIn]).toEqual([200, '8h']);
    expect((await api.get('/session', { token: minted.body.token })).body).toEqual({
      id: 'cm-zoe',
      role: 'case_manager',
      careProviderId: 'shelter-az-01',
    });
  });

  it('refuses a case manager without a care provider, and an unknown role, saying why', async () => {
    const api = await start(true);
    const noProvider = await api.post('/auth/dev-token', { role: 'case_manager', sub: 'cm-zoe' }, { token: '' });
    expect([noProvider.status, noProvider.body.code, noProvider.body.message]).toEqual([
      400,
      'invalid_request',
      'A case manager works for a care provider: give careProviderId.',
    ]);
    const system = await api.post('/auth/dev-token', { role: 'system', sub: 'x' }, { token: '' });
    expect([system.status, system.body.code]).toEqual([400, 'invalid_request']);
  });

  it('does not exist when the server was not given the local secret', async () => {
    const api = await start(false);
    expect((await api.get('/auth/config', { token: '' })).body).toEqual({ devSignIn: false });
    const minted = await api.post('/auth/dev-token', { role: 'admin', sub: 'eve' }, { token: '' });
    // Public paths skip authentication; with no route, the answer is the API's own 404.
    expect([minted.status, minted.body.code]).toEqual([404, 'route_not_found']);
  });

  it('is given only on the embedded default: off with AUTH_JWT_SECRET or AUTH_JWKS_URL', () => {
    // A data folder of its own: the local secret and the codec key are made there.
    const REUNIFY_DATA_DIR = mkdtempSync(join(tmpdir(), 'reunify-session-'));
    const local = parseConfig({ REUNIFY_DATA_DIR });
    const secret = parseConfig({ REUNIFY_DATA_DIR, AUTH_JWT_SECRET: 'an-external-secret-of-at-least-32-characters' });
    const jwks = parseConfig({ REUNIFY_DATA_DIR, AUTH_JWKS_URL: 'https://idp.example.org/.well-known/jwks.json' });
    expect(devSignInFor(secret, tokenSettingsFrom(secret))).toBeUndefined();
    expect(devSignInFor(jwks, tokenSettingsFrom(jwks))).toBeUndefined();
    expect(devSignInFor(local, tokenSettingsFrom(local))).toMatchObject({ issuer: 'reunify', audience: 'reunify-api' });
    expect(appOptionsFrom(secret, codecFrom(secret)).devSignIn).toBeUndefined();
    rmSync(REUNIFY_DATA_DIR, { recursive: true, force: true });
  });
});

describe('GET /session', () => {
  it("answers the token's subject, role and care provider, and 401 without a token", async () => {
    const api = await start(false);
    const supervisor = await api.get('/session', { token: await tokenFor({ id: 'sup-carla', role: 'supervisor' }) });
    expect(supervisor.body).toEqual({ id: 'sup-carla', role: 'supervisor', careProviderId: null });
    expect((await api.get('/session', { token: '' })).status).toBe(401);
  });
});

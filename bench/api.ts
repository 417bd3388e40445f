import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';

import { appOptionsFrom, buildApp } from '../src/api/app';
import type { CaseCommandBodySchema, OpenCaseBodySchema, ReleaseDecisionBodySchema } from '../src/api/schemas';
import { tokenSettingsFrom } from '../src/auth/settings';
import { signToken } from '../src/auth/tokens';
import type { Config } from '../src/config/env';
import type { Actor } from '../src/contracts/roles';
import type { Database } from '../src/db/client';

/** The care provider whose cases the benchmark opens, and the case manager who works them. */
export const CARE_PROVIDER = 'bench-shelter';
export const CASE_MANAGER: Actor = { id: 'bench-cm', role: 'case_manager' };
const REVIEWER: Actor = { id: 'bench-ffs', role: 'orr_reviewer' };

export type OpenCaseBody = z.input<typeof OpenCaseBodySchema>;
export type CaseEventBody = z.input<typeof CaseCommandBodySchema>;
export type DecisionBody = z.input<typeof ReleaseDecisionBodySchema>;

/** An answer and how long it took, from request to the parsed body. */
export interface Reply {
  ms: number;
  status: number;
  json: unknown;
}

/** The API under load, and the bearer tokens of the people who call it. */
export interface BenchApi {
  base: string;
  caseManager: string;
  reviewer: string;
  /** An unscoped supervisor's: sees every care provider's cases. */
  supervisor: string;
  call(method: 'POST', path: string, token: string, body: OpenCaseBody | CaseEventBody | DecisionBody): Promise<Reply>;
  /** A GET, timed from request to the parsed body. */
  get(path: string, token: string): Promise<Reply>;
}

export function openCaseBody(caseId: string, admittedAt: Date): OpenCaseBody {
  return { caseId, admittedAt: admittedAt.toISOString(), careProviderId: CARE_PROVIDER, child: { birthDate: '2014-04-01' } };
}

/** The API in this process, with the payload codec on and no rate limit to speak of. */
export async function startApi(deps: {
  config: Config;
  codec: PayloadCodec;
  temporal: Client;
  prisma: Database['prisma'];
  taskQueue: string;
}): Promise<{ app: FastifyInstance; api: BenchApi }> {
  const { config, codec, ...rest } = deps;
  const app = await buildApp({ ...appOptionsFrom(config, codec), ...rest, rateLimitPerMinute: 100_000_000 });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const [caseManager, reviewer, supervisor] = await Promise.all([
    tokenFor(config, CASE_MANAGER, CARE_PROVIDER),
    tokenFor(config, REVIEWER),
    tokenFor(config, { id: 'bench-sup', role: 'supervisor' }),
  ]);
  const call: BenchApi['call'] = async (method, path, token, body) => {
    const t0 = performance.now();
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json: unknown = await response.json();
    return { ms: performance.now() - t0, status: response.status, json };
  };
  const get: BenchApi['get'] = async (path, token) => {
    const t0 = performance.now();
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const json: unknown = await response.json();
    return { ms: performance.now() - t0, status: response.status, json };
  };
  return { app, api: { base, caseManager, reviewer, supervisor, call, get } };
}

async function tokenFor(config: Config, actor: Actor, careProvider?: string): Promise<string> {
  const { key, issuer, audience } = tokenSettingsFrom(config);
  if (key.kind !== 'secret') throw new Error('The benchmark signs its own tokens: unset AUTH_JWKS_URL.');
  return signToken(key.secret, { sub: actor.id, role: actor.role, care_provider: careProvider }, { issuer, audience, expiresIn: '12h' });
}

import type { Client } from '@temporalio/client';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';

import { buildApp } from '../../src/api/app';
import { registerAuthentication } from '../../src/api/auth';
import { errorHandler } from '../../src/api/http-errors';
import { DEFAULT_SIMULATION_LIMITS, simulationRoutes } from '../../src/api/routes/simulations';
import { SimulationResponseSchema } from '../../src/contracts/simulations';
import type { PrismaClient } from '../../src/db/generated/client';
import type { Executor } from '../../src/simulation/engine/executor';
import { inThisThread } from '../../src/simulation/engine/executor';
import type { SimulationRequestInput } from '../../src/simulation/engine/scenario';
import { SimulationRequestSchema } from '../../src/simulation/engine/scenario';
import { estimateChildren, simulate } from '../../src/simulation/engine/simulate';
import { testVerify, tokenFor } from '../helpers/auth';

/**
 * POST /simulations through Fastify's inject. The route needs neither Temporal nor a database
 * (unless durations are fitted from it), so the app is built without them; the simulation runs on
 * real worker threads.
 */

// Simulations take seconds (more on a busy machine); the limit only stops a hung test, it times nothing.
jest.setTimeout(300_000);

const REQUEST: SimulationRequestInput = {
  scenario: {
    label: 'base',
    start: '2024-02-01',
    days: 40,
    initialInCare: 60,
    arrivals: { kind: 'rate', perDay: 8, seasonality: { amplitude: 0.2, peakDayOfYear: 60 } },
    caseManagers: 10,
    fundedBeds: 120,
  },
  whatIf: { label: 'Category 1 stages x0.5', changes: [{ change: 'scale_durations', category: '1', factor: 0.5 }] },
  runs: 2,
  seed: 4,
};

let app: FastifyInstance;
let authorization: string;

beforeAll(async () => {
  app = await buildApp({ temporal: {} as Client, prisma: {} as PrismaClient, taskQueue: 'unused', verify: testVerify });
  authorization = `Bearer ${await tokenFor({ id: 'ffs-ana', role: 'orr_reviewer' })}`;
});
afterAll(() => app.close());

const post = (payload: unknown, headers: Record<string, string> = { authorization }) =>
  app.inject({ method: 'POST', url: '/simulations', payload: payload as object, headers });

describe('POST /simulations', () => {
  it('runs a what-if on worker threads and answers what the engine answers in this thread, with charts', async () => {
    const res = await post({ ...REQUEST, charts: true });
    expect(res.statusCode).toBe(200);
    const body = SimulationResponseSchema.parse(res.json());
    const here = await simulate(SimulationRequestSchema.parse(REQUEST), inThisThread, { calibrationChildren: 2000 });
    expect(body.base.daily.inCare).toEqual(here.base.daily.inCare);
    expect(body.comparison).toEqual(here.comparison);
    expect(body.dates).toHaveLength(40);
    expect(Object.keys(body.charts ?? {}).sort()).toEqual(['alerts.svg', 'caseload.svg', 'in-care.svg', 'length-of-care.svg']);
    expect(body.charts!['in-care.svg']).toMatch(/^<svg[^>]*width="960"/);
  });

  it('needs a bearer token', async () => {
    const res = await post(REQUEST, {});
    expect(res.statusCode).toBe(401);
  });

  it('refuses bad input with every invalid field, and runs nothing', async () => {
    const res = await post({ ...REQUEST, runs: 0, scenario: { ...REQUEST.scenario, arrivals: { kind: 'series', perDay: [1, 2] } } });
    expect(res.statusCode).toBe(400);
    const paths = (res.json() as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['runs', 'scenario.arrivals.perDay']));
  });

  it('refuses a sample too small to scale back up (the fuzz sent 5e-324 and got a 500)', async () => {
    for (const sample of [5e-324, 0.0009]) {
      const res = await post({ ...REQUEST, sample });
      expect(res.statusCode).toBe(400);
      expect((res.json() as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(['sample']);
    }
  });

  it('refuses a request too large to answer quickly, saying how to make it fit', async () => {
    const res = await post({ ...REQUEST, runs: 10, scenario: { ...REQUEST.scenario, days: 365, arrivals: { kind: 'rate', perDay: 300 } } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'simulation_too_large', message: expect.stringMatching(/limit is 60,000.*sample/) });
  });

  it('takes a year at the February 2024 pace with a what-if, at sample 0.05 and 3 runs (as the README says)', () => {
    const year = SimulationRequestSchema.parse({
      scenario: {
        start: '2024-02-01',
        days: 365,
        initialInCare: 9013,
        arrivals: { kind: 'rate', perDay: 312.9 },
        lengthOfCare: [{ from: '2024-02-01', meanDays: 28.8 }],
        caseManagers: 700,
        fundedBeds: 10000,
      },
      whatIf: { label: 'Category 1 at 7 days', changes: [{ change: 'mean_stay', category: '1', days: 7 }] },
      runs: 3,
      sample: 0.05,
    });
    expect(estimateChildren(year, DEFAULT_SIMULATION_LIMITS.calibrationChildren)).toBeLessThan(DEFAULT_SIMULATION_LIMITS.maxChildren);
    expect(estimateChildren({ ...year, sample: 0.1 }, DEFAULT_SIMULATION_LIMITS.calibrationChildren)).toBeGreaterThan(
      DEFAULT_SIMULATION_LIMITS.maxChildren,
    );
  });

  it('is in the OpenAPI document with its request schema', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, { post?: { requestBody?: unknown } }>;
    };
    expect(doc.paths['/simulations']?.post?.requestBody).toBeDefined();
  });
});

describe('POST /simulations, bounded while it runs', () => {
  /** An executor whose jobs never finish: closing it rejects them, as the worker pool does. */
  function stalledExecutor() {
    let closed = 0;
    const executor = (): Executor & { close(): Promise<void> } => {
      let stop: (err: Error) => void = () => undefined;
      const stopped = new Promise<never>((_, reject) => (stop = reject));
      return {
        run: () => stopped,
        close: async () => {
          closed += 1;
          stop(new Error('stopped'));
        },
      };
    };
    return { executor, closedCount: () => closed };
  }

  async function appWith(options: Parameters<typeof simulationRoutes>[1]): Promise<FastifyInstance> {
    const bare = Fastify().withTypeProvider();
    bare.setValidatorCompiler(validatorCompiler);
    bare.setSerializerCompiler(serializerCompiler);
    bare.setErrorHandler(errorHandler);
    registerAuthentication(bare, testVerify);
    await bare.register(simulationRoutes, options);
    return bare;
  }

  it('stops a simulation past its deadline (503) and takes one simulation at a time', async () => {
    const stalled = stalledExecutor();
    const bounded = await appWith({ prisma: {} as PrismaClient, limits: { timeoutMs: 300 }, executor: stalled.executor });
    try {
      const first = bounded.inject({ method: 'POST', url: '/simulations', payload: REQUEST as object, headers: { authorization } });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = await bounded.inject({ method: 'POST', url: '/simulations', payload: REQUEST as object, headers: { authorization } });
      expect(second.statusCode).toBe(503);
      expect(second.json()).toMatchObject({ code: 'simulator_busy' });
      expect(second.headers['retry-after']).toBe('10');
      const timedOut = await first;
      expect(timedOut.statusCode).toBe(503);
      expect(timedOut.json()).toMatchObject({ code: 'simulation_timeout' });
      expect(stalled.closedCount()).toBeGreaterThan(0);
    } finally {
      await bounded.close();
    }
  });

  it('stops a simulation whose caller hung up, so that the next is not refused as busy (the full-size fuzz timed one out)', async () => {
    const stalled = stalledExecutor();
    const bounded = await appWith({ prisma: {} as PrismaClient, limits: { timeoutMs: 3_000 }, executor: stalled.executor });
    try {
      const base = await bounded.listen({ host: '127.0.0.1', port: 0 });
      const caller = new AbortController();
      const first = fetch(`${base}/simulations`, {
        method: 'POST',
        body: JSON.stringify(REQUEST),
        headers: { authorization, 'content-type': 'application/json' },
        signal: caller.signal,
      }).catch((err: unknown) => err);
      await new Promise((resolve) => setTimeout(resolve, 100));
      caller.abort();
      expect(await first).toMatchObject({ name: 'AbortError' });
      // Stopped at the hang-up, long before its deadline (3 s).
      for (let i = 0; i < 25 && stalled.closedCount() === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(stalled.closedCount()).toBeGreaterThan(0);
      // The next one runs, instead of being refused as busy until the first's deadline.
      const next = await bounded.inject({ method: 'POST', url: '/simulations', payload: REQUEST as object, headers: { authorization } });
      expect(next.json()).toMatchObject({ code: 'simulation_timeout' });
    } finally {
      await bounded.close();
    }
  });
});

import type { FastifyInstance } from 'fastify';

import { buildApp } from '../../../src/api/app';
import { testVerify, tokenFor } from '../../helpers/auth';
import { caseManager } from '../../helpers/builders';
import type { FakeWorld } from '../../helpers/fake-services';
import { fakeWorld } from '../../helpers/fake-services';
import { apiClient } from '../../helpers/http';

/** The analytics routes over the real analytics service on a fake store: periods, scope, errors, the CSV. */
let world: FakeWorld;
let app: FastifyInstance;
let api: ReturnType<typeof apiClient>;
const supervisor = { id: 'sup-cy', role: 'supervisor' } as const;

beforeEach(async () => {
  world = fakeWorld();
  app = await buildApp({ services: world.services, verify: testVerify });
  api = apiClient(app);
});
afterEach(() => app.close());

describe('the period', () => {
  it('defaults to the 90 days to today, measured now; a past period is measured at its end', async () => {
    const reply = await api.get('/analytics/category-1', { as: supervisor });
    expect(reply.status).toBe(200);
    expect(reply.body['period']).toEqual({ from: '2026-01-16', to: '2026-04-15', asOf: '2026-04-15T10:00:00.000Z' });
    const march = await api.get('/analytics/flow?from=2026-03-01&to=2026-03-31&category=1&policyProfile=fg26-2025', { as: supervisor });
    expect(march.body['period']).toEqual({ from: '2026-03-01', to: '2026-03-31', asOf: '2026-04-01T00:00:00.000Z' });
    expect(world.analytics.queries.at(-1)).toEqual({
      figure: 'flow',
      query: {
        from: new Date('2026-03-01T00:00:00Z'),
        to: new Date('2026-04-01T00:00:00Z'),
        asOf: new Date('2026-04-01T00:00:00Z'),
        category: '1',
        policyProfile: 'fg26-2025',
        careProviderId: undefined,
      },
    });
  });

  it('refuses a period that ends before it starts, one over three years, and a malformed day or category, with 400 saying which', async () => {
    const backwards = await api.get('/analytics/length-of-stay?from=2026-03-31&to=2026-03-01', { as: supervisor });
    expect(backwards).toMatchObject({
      status: 400,
      body: { code: 'invalid_request', message: expect.stringContaining('from=2026-03-31') },
    });
    const long = await api.get('/analytics/stages?from=2020-01-01&to=2026-01-01', { as: supervisor });
    expect(long).toMatchObject({ status: 400, body: { message: expect.stringContaining('longer than 1100 days') } });
    const bad = await api.get('/analytics/cohorts?from=2026-02-30&category=4', { as: supervisor });
    expect(bad.status).toBe(400);
    expect((bad.body['issues'] as { path: string }[]).map((i) => i.path).sort()).toEqual(['category', 'from']);
    expect(world.analytics.queries).toEqual([]);
  });
});

describe('scope', () => {
  it("gives a case manager their own care provider's figures, and refuses another's", async () => {
    await api.get('/analytics/risk', { as: caseManager });
    expect(world.analytics.queries.at(-1)?.query.careProviderId).toBe('shelter-tx-07');
    const other = await api.get('/analytics/risk?careProviderId=shelter-az-02', { as: caseManager });
    expect(other).toMatchObject({ status: 403, body: { code: 'out_of_scope' } });
  });
});

describe('GET /reports/length-of-stay.csv', () => {
  it('answers CSV, one row per figure, named for its period', async () => {
    const token = await tokenFor(supervisor);
    const reply = await app.inject({
      method: 'GET',
      url: '/reports/length-of-stay.csv?from=2026-03-01&to=2026-03-31',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(reply.headers['content-disposition']).toBe('attachment; filename="length-of-stay_2026-03-01_2026-03-31.csv"');
    expect(reply.body.split('\r\n')).toEqual([
      'from,to,dimension,group,children,mean_days,median_days,p90_days,within_10_days,share_within_10_days',
      '2026-03-01,2026-03-31,all,all,0,,,,,',
      '2026-03-01,2026-03-31,category_1_released,1,2,11,,,1,0.5',
      '2026-03-01,2026-03-31,category_1_open_days_so_far,1,0,,,,0,',
      '',
    ]);
  });
});

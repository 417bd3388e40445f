import type { FastifyInstance } from 'fastify';

import { buildApp } from '../../../src/api/app';
import { createMetrics, observeTransitions } from '../../../src/metrics/metrics';
import { testVerify } from '../../helpers/auth';
import { caseManager, events } from '../../helpers/builders';
import { caseView, fakeWorld } from '../../helpers/fake-services';
import { apiClient } from '../../helpers/http';

/** GET /metrics: prom-client's text, with the API's request latency by route and refusals by code. */
let app: FastifyInstance;
const metrics = createMetrics();

beforeAll(async () => {
  const world = fakeWorld();
  world.workflows.add(caseView({ caseId: 'UC-1' }));
  app = await buildApp({ services: world.services, verify: testVerify, metrics });
});
afterAll(() => app.close());

it('times requests by route pattern and counts refusals by code, served without a token', async () => {
  const api = apiClient(app);
  expect((await api.get('/cases/UC-1', { as: caseManager })).status).toBe(200);
  // A reviewer may not complete intake: refused by role.
  expect((await api.post('/cases/UC-1/events', events.completeIntake(), { as: { id: 'ffs-ben', role: 'orr_reviewer' } })).status).toBe(403);
  const reply = await app.inject({ method: 'GET', url: '/metrics' });
  expect(reply.statusCode).toBe(200);
  expect(reply.headers['content-type']).toContain('text/plain');
  expect(reply.body).toMatch(/reunify_http_request_duration_seconds_count\{method="GET",route="\/cases\/:id",status_code="200"\} 1/);
  expect(reply.body).toMatch(/reunify_refusals_total\{code="role_not_permitted"\} 1/);
  expect(reply.body).toContain('# TYPE reunify_length_of_stay_days histogram');
});

it('counts transitions by event and observes a discharge as its length of stay', async () => {
  const own = createMetrics();
  observeTransitions(own, '2026-11-01T00:00:00Z', [
    { event: 'COMPLETE_FOLLOW_UP', at: '2026-12-10T00:00:00Z' },
    { event: 'RELEASE_CHILD', at: '2026-11-09T12:00:00Z' },
  ]);
  const text = await own.registry.metrics();
  expect(text).toMatch(/reunify_transitions_total\{event="RELEASE_CHILD"\} 1/);
  expect(text).toMatch(/reunify_length_of_stay_days_bucket\{le="7",exit="released"\} 0/);
  expect(text).toMatch(/reunify_length_of_stay_days_bucket\{le="10",exit="released"\} 1/);
  expect(text).toMatch(/reunify_length_of_stay_days_sum\{exit="released"\} 8.5/);
});

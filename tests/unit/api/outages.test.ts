import type { FastifyInstance } from 'fastify';

import { buildApp } from '../../../src/api/app';
import type { Actor } from '../../../src/contracts/roles';
import { testVerify } from '../../helpers/auth';
import { caseManager, events, openCaseRequest, reviewer } from '../../helpers/builders';
import type { FakeWorld } from '../../helpers/fake-services';
import { alertView, caseView, fakeWorld } from '../../helpers/fake-services';
import { apiClient } from '../../helpers/http';

/**
 * What the API answers when a part of the world is away or moves under it: PostgreSQL down (the
 * read model cannot answer), and a case that closes between the API's look and its signal.
 */
const supervisor: Actor = { id: 'sup-carla', role: 'supervisor' };

let world: FakeWorld;
let app: FastifyInstance;
let api: ReturnType<typeof apiClient>;

beforeEach(async () => {
  world = fakeWorld({ decisionWaitMs: 100 });
  world.workflows.add(caseView({ caseId: 'UC-1' }));
  world.readModel.alerts.push(alertView('UC-1'));
  app = await buildApp({ services: world.services, verify: testVerify });
  api = apiClient(app);
});
afterEach(() => app.close());

describe('PostgreSQL is down', () => {
  beforeEach(() => {
    world.readModel.up = false;
    world.audit.up = false;
  });

  it("a transition still works: the care provider for the scope check comes from the case's workflow", async () => {
    world.workflows.answer = (view) => ({ ...view, status: 'sponsor_identification' });
    expect(await api.post('/cases/UC-1/events', events.completeIntake())).toMatchObject({
      status: 200,
      body: { caseId: 'UC-1', status: 'sponsor_identification' },
    });
    expect(world.workflows.calls).toEqual(['send UC-1 COMPLETE_INTAKE by case_manager']);
  });

  it("the scope check still refuses another care provider's case manager, from the workflow's own state", async () => {
    const other: Actor = { id: 'cm-bo', role: 'case_manager' };
    expect(await api.post('/cases/UC-1/events', events.completeIntake(), { as: other, careProvider: 'shelter-ca-02' })).toMatchObject({
      status: 403,
      body: { code: 'out_of_scope' },
    });
    expect(world.workflows.calls).toEqual([]);
  });

  it("no worker is needed for the scope check: the care provider is the case's search attribute (set when it started)", async () => {
    world.workflows.workerUp = false;
    const other: Actor = { id: 'cm-bo', role: 'case_manager' };
    expect(await api.post('/cases/UC-1/events', events.completeIntake(), { as: other, careProvider: 'shelter-ca-02' })).toMatchObject({
      status: 403,
      body: { code: 'out_of_scope' },
    });
    // A case without one (opened before issue 18) asks the case itself, which needs a worker.
    world.workflows.withoutSearchAttributes.add('UC-1');
    expect(await api.post('/cases/UC-1/events', events.completeIntake(), { as: other, careProvider: 'shelter-ca-02' })).toMatchObject({
      status: 503,
      body: { code: 'worker_unavailable' },
    });
    expect(world.workflows.calls).toEqual([]);
  });

  it('a decision still goes to the case', async () => {
    world.workflows.add(caseView({ caseId: 'UC-2', status: 'release_decision', allowedEvents: { orr_reviewer: ['DECIDE_RELEASE'] } }));
    expect(await api.post('/cases/UC-2/decision', events.approve())).toMatchObject({ status: 202, body: { delivered: true } });
  });

  it.each([
    ['GET', '/cases', caseManager],
    ['GET', '/cases/UC-1/audit', caseManager],
    ['GET', '/alerts', supervisor],
    ['POST', '/alerts/UC-1:length_of_stay:escalation-0/ack', supervisor],
    ['POST', '/cases', caseManager],
  ] as const)('%s %s needs the database: 503 with Retry-After, not 500', async (method, path, as) => {
    const body = method === 'POST' ? (path === '/cases' ? openCaseRequest('UC-7') : {}) : undefined;
    const reply = await api.withHeaders(method, path, { as, ...(body ? { body } : {}) });
    expect({ status: reply.status, code: reply.body.code, retryAfter: reply.headers.get('retry-after') }).toEqual({
      status: 503,
      code: 'database_unavailable',
      retryAfter: '10',
    });
    expect(reply.body.message).toMatch(/database is unavailable for now; retry in 10 s/);
    expect(world.workflows.calls).toEqual([]);
  });
});

describe('a decision racing the close of its case', () => {
  it('the case closed between the look and the signal (Temporal: "not found"): 409 case_closed, audited', async () => {
    // The look sees the case open and awaiting the decision; by the signal, its workflow has completed.
    world.workflows.add(
      caseView({ caseId: 'UC-4', status: 'release_decision', allowedEvents: { orr_reviewer: ['DECIDE_RELEASE'] } }),
      false,
    );
    const peek = world.workflows.peek.bind(world.workflows);
    let looks = 0;
    world.workflows.peek = async (caseId) => {
      looks += 1;
      return looks === 1 ? peek(caseId) : caseView({ caseId, status: 'closed', closed: true, allowedEvents: {} });
    };
    expect(await api.post('/cases/UC-4/decision', events.approve(reviewer))).toEqual({
      status: 409,
      body: {
        error: 'Conflict',
        code: 'case_closed',
        message: 'The case is closed and accepts no more events.',
        status: 'closed',
        allowedEvents: [],
      },
    });
    expect(world.audit.of('UC-4')).toEqual([
      'refused DECIDE_RELEASE by orr_reviewer: case_closed: The case is closed and accepts no more events.',
    ]);
  });
});

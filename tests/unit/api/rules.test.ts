import type { Payload } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';

import { buildApp } from '../../../src/api/app';
import type { Actor } from '../../../src/contracts/roles';
import { DEFAULT_TARGETS } from '../../../src/contracts/targets';
import { refused } from '../../../src/services/errors';
import { testVerify } from '../../helpers/auth';
import { caseManager, coordinator, events, openCaseRequest, reviewer } from '../../helpers/builders';
import type { FakeWorld } from '../../helpers/fake-services';
import { alertView, caseSummary, caseView, fakeWorld } from '../../helpers/fake-services';
import { apiClient } from '../../helpers/http';

/**
 * Who may do what, and what the API answers: the case, alert and targets services (the real ones)
 * over an in-memory stand-in for Temporal and the database, through the app and Fastify's inject.
 */
const supervisor: Actor = { id: 'sup-carla', role: 'supervisor' };
const admin: Actor = { id: 'admin-ola', role: 'admin' };
const otherManager: Actor = { id: 'cm-bo', role: 'case_manager' };
/** A case manager and a supervisor of shelter-ca-02; the cases below are shelter-tx-07's. */
const elsewhere = { as: otherManager, careProvider: 'shelter-ca-02' };
const scopedSupervisor = { as: supervisor, careProvider: 'shelter-ca-02' };
const summary = (caseId: string, careProviderId: string) => caseSummary(caseId, careProviderId);
const passThrough = { encode: async (p: Payload[]) => p, decode: async (p: Payload[]) => p };

let world: FakeWorld;
let app: FastifyInstance;
let api: ReturnType<typeof apiClient>;

beforeEach(async () => {
  world = fakeWorld({ decisionWaitMs: 300 });
  world.workflows.add(caseView({ caseId: 'UC-1' }));
  world.readModel.cases.push(summary('UC-1', 'shelter-tx-07'), summary('UC-9', 'shelter-ca-02'));
  world.readModel.alerts.push(
    alertView('UC-1'),
    alertView('UC-9', { careProviderId: 'shelter-ca-02' }),
    alertView('UC-8', { resolvedAt: '2026-11-13T00:00:00.000Z' }),
  );
  app = await buildApp({ services: world.services, verify: testVerify, codec: passThrough });
  api = apiClient(app);
});
afterEach(() => app.close());

describe('roles: the policy table, one sentence, 403; the refusal is audited and nothing reaches the case', () => {
  it.each([
    [
      'orr_reviewer',
      'COMPLETE_INTAKE',
      reviewer,
      events.completeIntake(),
      'COMPLETE_INTAKE may be sent by case_manager, not by orr_reviewer.',
    ],
    [
      'case_coordinator',
      'COMPLETE_INTAKE',
      coordinator,
      events.completeIntake(),
      'COMPLETE_INTAKE may be sent by case_manager, not by case_coordinator.',
    ],
    ['case_manager', 'REVIEW_CASE', caseManager, events.review(), 'REVIEW_CASE may be sent by case_coordinator, not by case_manager.'],
    [
      'admin',
      'REQUEST_HOME_STUDY',
      admin,
      events.requestHomeStudy(),
      'REQUEST_HOME_STUDY may be sent by case_manager or case_coordinator, not by admin.',
    ],
  ])('%s sending %s', async (_role, _type, actor, event, message) => {
    expect(await api.post('/cases/UC-1/events', event, { as: actor })).toEqual({
      status: 403,
      body: { error: 'Forbidden', code: 'role_not_permitted', message },
    });
    expect(world.audit.of('UC-1')).toEqual([`refused ${event.type} by ${actor.role}: role_not_permitted: ${message}`]);
    expect(world.workflows.calls).toEqual([]);
  });

  it('a decision from anyone but an ORR reviewer: 403, audited for a case that exists, and no signal', async () => {
    const message = 'DECIDE_RELEASE may be sent by orr_reviewer, not by case_manager.';
    expect(await api.post('/cases/UC-1/decision', events.approve(caseManager))).toEqual({
      status: 403,
      body: { error: 'Forbidden', code: 'role_not_permitted', message },
    });
    expect(await api.post('/cases/UC-none/decision', events.approve(caseManager))).toMatchObject({ status: 403 });
    expect(world.audit.records.map((r) => `${r.caseId} ${r.record.detail}`)).toEqual([`UC-1 role_not_permitted: ${message}`]);
    expect(world.workflows.calls).toEqual([]);
  });

  it('opening cases, acknowledging alerts, changing targets: each its role', async () => {
    expect(await api.post('/cases', openCaseRequest('UC-2', { openedBy: coordinator }))).toEqual({
      status: 403,
      body: { error: 'Forbidden', code: 'role_not_permitted', message: 'Cases are opened by a case manager, not by case_coordinator.' },
    });
    expect(await api.post('/alerts/UC-1:length_of_stay:escalation-0/ack', {}, { as: caseManager })).toEqual({
      status: 403,
      body: { error: 'Forbidden', code: 'role_not_permitted', message: 'Alerts are acknowledged by a supervisor, not by case_manager.' },
    });
    const change = { reason: 'Shorter review', targets: DEFAULT_TARGETS };
    expect(await api.put('/targets', change, { as: supervisor })).toMatchObject({
      status: 403,
      body: { message: 'Targets are changed by an admin, not by supervisor.' },
    });
    expect(await api.put('/targets', change, { as: admin })).toMatchObject({
      status: 200,
      body: { version: 1, broadcast: { workflowId: 'targets-v1' } },
    });
    expect(world.targets.broadcasts).toEqual(['targets-v1']);
  });

  it('the payload codec: reviewers, unscoped supervisors and admins only', async () => {
    const wire = { payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'IngiCg==' }] };
    for (const as of [reviewer, supervisor, admin])
      expect(await api.post('/codec/decode', wire, { as })).toEqual({ status: 200, body: wire });
    expect(await api.post('/codec/decode', wire, scopedSupervisor)).toMatchObject({
      status: 403,
      body: {
        message: 'Payloads are decoded for ORR reviewers, unscoped supervisors and admins, not for a supervisor scoped to shelter-ca-02.',
      },
    });
    expect(await api.post('/codec/encode', wire, { as: caseManager })).toMatchObject({
      status: 403,
      body: { message: 'Payloads are decoded for ORR reviewers, unscoped supervisors and admins, not for case_manager.' },
    });
  });
});

describe("care-provider scope: case managers, and supervisors with a care provider, act on their provider's cases only", () => {
  it.each([
    ['a case manager', elsewhere],
    ['a scoped supervisor', scopedSupervisor],
  ])('%s of another provider: the case, its audit trail and its events are refused; a refused event is audited', async (_label, who) => {
    const outOfScope = {
      error: 'Forbidden',
      code: 'out_of_scope',
      message: 'The case belongs to another care provider; your token is for shelter-ca-02.',
    };
    expect(await api.get('/cases/UC-1', who)).toEqual({ status: 403, body: outOfScope });
    expect(await api.get('/cases/UC-1/audit', who)).toEqual({ status: 403, body: outOfScope });
    if (who.as.role === 'case_manager') {
      expect(await api.post('/cases/UC-1/events', events.completeIntake(), who)).toEqual({ status: 403, body: outOfScope });
      expect(world.audit.of('UC-1')).toEqual([`refused COMPLETE_INTAKE by case_manager: out_of_scope: ${outOfScope.message}`]);
    }
    expect(world.workflows.calls).toEqual([]);
  });

  it("lists: a scoped caller gets their provider's only and may not ask for another's; others get what they ask", async () => {
    for (const [list, what] of [
      ['/cases', 'cases'],
      ['/alerts', 'alerts'],
    ] as const) {
      for (const who of [elsewhere, scopedSupervisor]) {
        expect(await api.get(`${list}?careProviderId=shelter-tx-07`, who)).toEqual({
          status: 403,
          body: {
            error: 'Forbidden',
            code: 'out_of_scope',
            message: `Your token is for care provider shelter-ca-02; you cannot list shelter-tx-07's ${what}.`,
          },
        });
        const own = await api.get<{ items: { careProviderId: string }[] }>(list, who);
        expect(own.body.items.map((i) => i.careProviderId)).toEqual(['shelter-ca-02']);
      }
      for (const as of [reviewer, supervisor, admin]) {
        expect((await api.get<{ items: unknown[] }>(list, { as })).body.items.length).toBeGreaterThan(1);
        expect(
          (await api.get<{ items: { careProviderId: string }[] }>(`${list}?careProviderId=shelter-ca-02`, { as })).body.items.map(
            (i) => i.careProviderId,
          ),
        ).toEqual(['shelter-ca-02']);
      }
    }
  });

  it("alerts: a scoped supervisor acknowledges their provider's only, and follows only theirs live", async () => {
    expect(await api.post('/alerts/UC-1:length_of_stay:escalation-0/ack', {}, scopedSupervisor)).toEqual({
      status: 403,
      body: {
        error: 'Forbidden',
        code: 'out_of_scope',
        message: 'The alert belongs to another care provider; your token is for shelter-ca-02.',
      },
    });
    world.workflows.add(caseView({ caseId: 'UC-9', careProviderId: 'shelter-ca-02' }));
    const acked = await api.post('/alerts/UC-9:length_of_stay:escalation-0/ack', { note: 'On it' }, scopedSupervisor);
    expect(acked).toMatchObject({
      status: 200,
      body: { id: 'UC-9:length_of_stay:escalation-0', acknowledged: { by: { id: 'sup-carla', role: 'supervisor' }, note: 'On it' } },
    });
    world.readModel.events.push(
      { id: 1n, type: 'fired', at: '2026-11-12T14:00:01.000Z', alert: alertView('UC-1') },
      { id: 2n, type: 'fired', at: '2026-11-12T14:00:02.000Z', alert: alertView('UC-9', { careProviderId: 'shelter-ca-02' }) },
    );
    const principal = { id: 'sup-carla', role: 'supervisor' as const, careProviderId: 'shelter-ca-02' };
    expect((await world.services.alerts.eventsAfter(principal, 0n, 10)).map((e) => e.id)).toEqual([2n]);
    expect((await world.services.alerts.eventsAfter({ id: 'sup-dan', role: 'supervisor' }, 0n, 10)).map((e) => e.id)).toEqual([1n, 2n]);
  });
});

describe('what is not there: 404', () => {
  it('an unknown case, to every route that names one', async () => {
    const notFound = { status: 404, body: { error: 'Not Found', code: 'case_not_found', message: 'No case with id UC-none.' } };
    expect(await api.get('/cases/UC-none', { as: reviewer })).toEqual(notFound);
    expect(await api.get('/cases/UC-none/audit', { as: reviewer })).toEqual(notFound);
    expect(await api.post('/cases/UC-none/events', events.completeIntake())).toEqual(notFound);
    expect(await api.post('/cases/UC-none/decision', events.approve())).toEqual(notFound);
    world.workflows.workerUp = false;
    expect(await api.post('/cases/UC-none/decision', events.approve())).toEqual(notFound);
  });

  it('an unknown alert', async () => {
    expect(await api.post('/alerts/UC-1:nothing:warning/ack', {}, { as: supervisor })).toEqual({
      status: 404,
      body: { error: 'Not Found', code: 'alert_not_found', message: 'No alert UC-1:nothing:warning.' },
    });
  });
});

describe('what the case will not take: 409 with the reason, audited', () => {
  it("the case's refusal passes through with its status and the events allowed", async () => {
    world.workflows.answer = () => {
      throw refused({
        code: 'conditions_not_met',
        message: 'Vetting cannot complete while checks are pending: identity. Clear or flag each first.',
        status: 'vetting',
        allowedEvents: ['CLEAR_CHECK'],
      });
    };
    expect(await api.post('/cases/UC-1/events', events.completeVetting())).toEqual({
      status: 409,
      body: {
        error: 'Conflict',
        code: 'conditions_not_met',
        message: 'Vetting cannot complete while checks are pending: identity. Clear or flag each first.',
        status: 'vetting',
        allowedEvents: ['CLEAR_CHECK'],
      },
    });
    expect(world.audit.of('UC-1')).toEqual([
      'refused COMPLETE_VETTING by case_manager: conditions_not_met: Vetting cannot complete while checks are pending: identity. Clear or flag each first.',
    ]);
  });

  it('an event to a closed case: Temporal says "not found"; the API says closed, and why', async () => {
    world.workflows.add(caseView({ caseId: 'UC-3', status: 'closed', closed: true, allowedEvents: {} }));
    expect(await api.post('/cases/UC-3/events', events.releaseChild())).toEqual({
      status: 409,
      body: {
        error: 'Conflict',
        code: 'case_closed',
        message: 'The case is closed and accepts no more events.',
        status: 'closed',
        allowedEvents: [],
      },
    });
    expect(world.audit.of('UC-3')).toEqual([
      'refused RELEASE_CHILD by case_manager: case_closed: The case is closed and accepts no more events.',
    ]);
  });

  it('a decision the case clearly will not take now is refused at once, with what the reviewer may send', async () => {
    expect(await api.post('/cases/UC-1/decision', events.approve())).toEqual({
      status: 409,
      body: {
        error: 'Conflict',
        code: 'not_allowed_in_state',
        message: 'DECIDE_RELEASE is not allowed while the case is in intake.',
        status: 'intake',
        allowedEvents: ['TRANSFER_CARE_PROVIDER'],
      },
    });
    world.workflows.add(caseView({ caseId: 'UC-3', status: 'closed', closed: true, allowedEvents: {} }));
    expect(await api.post('/cases/UC-3/decision', events.approve())).toMatchObject({
      status: 409,
      body: { code: 'case_closed', status: 'closed', allowedEvents: [] },
    });
    expect(world.workflows.calls).toEqual([]);
    expect(world.audit.records.map((r) => r.record.detail?.split(':')[0])).toEqual(['not_allowed_in_state', 'case_closed']);
  });

  it('a case id in use: in the read model (Temporal may have forgotten it) or in Temporal', async () => {
    const exists = {
      status: 409,
      body: { error: 'Conflict', code: 'case_exists', message: 'A case with id UC-9 already exists; case ids are never reused.' },
    };
    expect(await api.post('/cases', openCaseRequest('UC-9'))).toEqual(exists);
    expect(world.workflows.calls).toEqual([]);
    world.workflows.add(caseView({ caseId: 'UC-4' }));
    expect(await api.post('/cases', openCaseRequest('UC-4'))).toMatchObject({ status: 409, body: { code: 'case_exists' } });
  });

  it('an acknowledgement of a resolved alert', async () => {
    expect(await api.post('/alerts/UC-8:length_of_stay:escalation-0/ack', {}, { as: supervisor })).toEqual({
      status: 409,
      body: {
        error: 'Conflict',
        code: 'alert_resolved',
        message: 'Alert UC-8:length_of_stay:escalation-0 is resolved: the case has moved on.',
      },
    });
  });

  it('a refusal the audit trail cannot keep is still answered, and the failure is logged', async () => {
    world.audit.up = false;
    expect(await api.post('/cases/UC-1/events', events.completeIntake(), { as: reviewer })).toMatchObject({
      status: 403,
      body: { code: 'role_not_permitted' },
    });
    expect(world.errors).toEqual([
      { details: expect.objectContaining({ caseId: 'UC-1' }), message: 'could not record a refusal in the audit trail' },
    ]);
  });
});

describe('the happy paths translate to HTTP', () => {
  it('opening a case: 201, where it lives, its status and who may do what now', async () => {
    const reply = await api.withHeaders('POST', '/cases', { body: openCaseRequest('UC-5') });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('location')).toBe('/cases/UC-5');
    expect(reply.body).toEqual({
      caseId: 'UC-5',
      status: 'intake',
      allowedEvents: { case_manager: ['COMPLETE_INTAKE', 'DEPART'], orr_reviewer: ['TRANSFER_CARE_PROVIDER'] },
      links: { self: '/cases/UC-5', events: '/cases/UC-5/events', decision: '/cases/UC-5/decision' },
    });
    expect(world.workflows.calls).toEqual(['start UC-5']);
  });

  it('an event goes to the case as its sender, with the Idempotency-Key as the Update id', async () => {
    world.workflows.answer = (view) => ({ ...view, status: 'sponsor_identification' });
    const reply = await api.post('/cases/UC-1/events', events.completeIntake(), { headers: { 'idempotency-key': 'UC-1-intake' } });
    expect(reply).toMatchObject({ status: 200, body: { caseId: 'UC-1', status: 'sponsor_identification' } });
    expect(world.workflows.calls).toEqual(['send UC-1 COMPLETE_INTAKE by case_manager key UC-1-intake']);
  });

  it('no worker: 503 with the fix', async () => {
    world.workflows.workerUp = false;
    expect(await api.get('/cases/UC-1')).toMatchObject({ status: 503, body: { error: 'Service Unavailable', code: 'worker_unavailable' } });
  });
});

describe('a decision: delivered as a signal, then watched for a moment', () => {
  beforeEach(() => {
    world.workflows.add(
      caseView({
        caseId: 'UC-6',
        status: 'release_decision',
        allowedEvents: { orr_reviewer: ['DECIDE_RELEASE', 'TRANSFER_CARE_PROVIDER'] },
      }),
    );
  });

  it('seen applied: 200 with the new status', async () => {
    world.workflows.onDecision = (view, signal) => ({
      ...view,
      status: 'release_approved',
      transitions: [
        ...view.transitions,
        {
          seq: 1,
          event: 'DECIDE_RELEASE',
          fromStatus: 'release_decision',
          toStatus: 'release_approved',
          actor: signal.decision.actor,
          reason: null,
          at: '2026-11-20T10:00:00.000Z',
          requestId: signal.requestId,
          subject: { sponsorId: 'sp-1' },
        },
      ],
    });
    expect(await api.post('/cases/UC-6/decision', events.approve())).toEqual({
      status: 200,
      body: { caseId: 'UC-6', delivered: true, applied: true, message: 'Decision applied; the case is now release_approved.' },
    });
    expect(world.workflows.calls).toEqual(['signal UC-6 approve by orr_reviewer']);
  });

  it('seen refused by the case: 200, not applied, with its reason', async () => {
    world.workflows.onDecision = (view, signal) => ({
      ...view,
      refusedSignals: [
        {
          requestId: signal.requestId,
          event: 'DECIDE_RELEASE',
          actor: signal.decision.actor,
          at: '2026-11-20T10:00:00.000Z',
          code: 'not_allowed_in_state',
          message: 'Too late.',
        },
      ],
    });
    expect(await api.post('/cases/UC-6/decision', events.approve())).toEqual({
      status: 200,
      body: { caseId: 'UC-6', delivered: true, applied: false, message: 'The case refused the decision: Too late.' },
    });
  });

  it('not seen in time, or no worker to ask: 202, delivered', async () => {
    const delivered = {
      status: 202,
      body: {
        caseId: 'UC-6',
        delivered: true,
        applied: null,
        message: 'Decision delivered; the case applies it when its worker next runs. GET the case to see the outcome.',
      },
    };
    expect(await api.post('/cases/UC-6/decision', events.approve())).toEqual(delivered);
    world.workflows.workerUp = false;
    expect(await api.post('/cases/UC-6/decision', events.approve())).toEqual(delivered);
    expect(world.workflows.calls).toEqual(['signal UC-6 approve by orr_reviewer', 'signal UC-6 approve by orr_reviewer']);
  });
});

describe('GET /cases/:id/policy: the case under a profile, for anyone who may see the case; nothing changes', () => {
  it('answers the evaluation under the profile asked for, or the case’s own', async () => {
    const fg26 = await api.get<{ profile: { id: string }; blocksRelease: unknown[] }>('/cases/UC-1/policy?profile=fg26-2025', {
      as: supervisor,
    });
    expect(fg26).toMatchObject({ status: 200, body: { profile: { id: 'fg26-2025' }, blocksRelease: [{ code: 'no_sponsor' }] } });
    expect((await api.get('/cases/UC-1/policy', { as: reviewer })).status).toBe(200);
    expect(world.workflows.calls).toEqual(['policy UC-1 fg26-2025', 'policy UC-1 (own)']);
  });

  it('an unknown profile is a 400 naming the field and the profiles there are; the case is not asked', async () => {
    const reply = await api.get<{ code: string; message: string }>('/cases/UC-1/policy?profile=rules-2030', { as: supervisor });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('invalid_request');
    expect(reply.body.message).toMatch(/^Invalid querystring: profile: .*baseline-2015.*fg26-2025/);
    expect((await api.get('/cases/UC-1/policy?profil=fg26-2025', { as: supervisor })).status).toBe(400);
    expect(world.workflows.calls).toEqual([]);
  });

  it('a caller of another care provider: 403, and the case is not asked; an unknown case: 404', async () => {
    expect(await api.get('/cases/UC-1/policy', scopedSupervisor)).toMatchObject({ status: 403, body: { code: 'out_of_scope' } });
    expect(world.workflows.calls).toEqual([]);
    expect(await api.get('/cases/UC-404/policy', { as: supervisor })).toMatchObject({ status: 404, body: { code: 'case_not_found' } });
  });
});

import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';

import { buildApp } from '../../src/api/app';
import { CASE_EVENT_TYPES } from '../../src/contracts/case-events';
import type { CaseMove, CaseView } from '../../src/contracts/case-view';
import { testVerify } from '../helpers/auth';
import { caseManager, clearPending, events, openCaseRequest, reviewer } from '../helpers/builders';
import { eventually } from '../helpers/eventually';
import { allPages, apiClient, eventDriver } from '../helpers/http';
import { caseRow } from '../helpers/rows';
import { useStack } from '../helpers/stack';
import { uniqueName } from '../helpers/temporal';

jest.setTimeout(90_000);

/** The whole stack on real parts: the CLI's dev server, the database, a worker, the API over HTTP. */
const stack = useStack({ app: { decisionWaitMs: 15_000 } });

const api = apiClient(stack);
const { post, get } = api;

const drive = eventDriver(api);

/** Intake to the ORR decision with an expedited Category 1 sponsor, every check cleared over HTTP. */
async function toDecision(caseId: string): Promise<CaseView> {
  const vetting = await drive(caseId, events.completeIntake(), events.identifySponsor('1'), events.completeAssessment());
  await drive(caseId, ...clearPending(vetting.checks));
  return drive(caseId, events.completeVetting(), events.recommend());
}

async function openCase(): Promise<string> {
  const caseId = uniqueName('UC');
  const created = await post('/cases', openCaseRequest(caseId));
  expect(created.status).toBe(201);
  return caseId;
}

describe('one case, intake to release, over HTTP', () => {
  it('drives the whole slice and lists the case by stage from the read model', async () => {
    const caseId = uniqueName('UC');
    const created = await post('/cases', openCaseRequest(caseId));
    expect(created).toEqual({
      status: 201,
      body: {
        caseId,
        status: 'intake',
        allowedEvents: { case_manager: ['COMPLETE_INTAKE', 'DEPART'], orr_reviewer: ['TRANSFER_CARE_PROVIDER'] },
        links: { self: `/cases/${caseId}`, events: `/cases/${caseId}/events`, decision: `/cases/${caseId}/decision` },
      },
    });

    const steps: [unknown, string][] = [
      [events.completeIntake(), 'sponsor_identification'],
      [events.identifySponsor('1'), 'application'],
      [events.completeAssessment(), 'vetting'],
    ];
    for (const [event, status] of steps) {
      const reply = await post<CaseView>(`/cases/${caseId}/events`, event);
      expect(reply.status).toBe(200);
      expect(reply.body.status).toBe(status);
    }
    const vetting = await get<CaseView>(`/cases/${caseId}`);
    expect(vetting.body).toMatchObject({
      expedited: true,
      // Adults of the household may still be added, and the sponsor's fingerprints booked.
      allowedEvents: {
        case_manager: ['ADD_HOUSEHOLD_MEMBER', 'CLEAR_CHECK', 'FLAG_CHECK', 'SCHEDULE_FINGERPRINTS', 'SPONSOR_WITHDREW', 'DEPART'],
      },
    });
    const checks = clearPending(vetting.body.checks);
    expect(checks).toHaveLength(5);
    await drive(caseId, ...checks);
    expect((await drive(caseId, events.completeVetting())).status).toBe('recommendation');
    // Expedited Category 1: no third-party review.
    expect((await drive(caseId, events.recommend())).status).toBe('release_decision');

    const listed = await eventually(
      () => get<{ items: { caseId: string; status: string }[] }>(`/cases?status=release_decision`),
      (r) => r.body.items.some((i) => i.caseId === caseId),
      'the case listed in release_decision',
    );
    expect(listed.body.items).toContainEqual(expect.objectContaining({ caseId, status: 'release_decision', sponsorCategory: '1' }));

    const decided = await post(`/cases/${caseId}/decision`, events.approve());
    expect(decided).toEqual({
      status: 200,
      body: { caseId, delivered: true, applied: true, message: 'Decision applied; the case is now release_approved.' },
    });

    const released = await post<CaseMove>(`/cases/${caseId}/events`, events.releaseChild());
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'released', closed: false, allowedEvents: { case_manager: ['COMPLETE_FOLLOW_UP'] } });
    // An event answers the move: the transition it made, not the case's whole view.
    const closed = await post<CaseMove>(`/cases/${caseId}/events`, events.completeFollowUp());
    expect(closed.body).toMatchObject({ status: 'closed', closed: true, allowedEvents: {} });
    expect(closed.body.transition).toMatchObject({ event: 'COMPLETE_FOLLOW_UP', fromStatus: 'released', toStatus: 'closed' });
    expect(Object.keys(closed.body).sort()).toEqual(['allowedEvents', 'caseId', 'checks', 'closed', 'status', 'transition']);

    const view = await get<CaseView>(`/cases/${caseId}`);
    expect(view.status).toBe(200);
    expect(view.body.closure).toBe('released');
    expect(view.body.transitions.map((t) => `${t.event}:${t.actor.role}`)).toEqual([
      'OPEN_CASE:case_manager',
      'COMPLETE_INTAKE:case_manager',
      'IDENTIFY_SPONSOR:case_manager',
      'COMPLETE_ASSESSMENT:case_manager',
      ...Array(5).fill('CLEAR_CHECK:case_manager'),
      'COMPLETE_VETTING:case_manager',
      'RECOMMEND_RELEASE:case_manager',
      'DECIDE_RELEASE:orr_reviewer',
      'RELEASE_CHILD:case_manager',
      'COMPLETE_FOLLOW_UP:case_manager',
    ]);

    const closedList = await eventually(
      () => get<{ items: { caseId: string }[] }>(`/cases?status=closed`),
      (r) => r.body.items.some((i) => i.caseId === caseId),
      'the case listed as closed',
    );
    expect(closedList.body.items.map((i) => i.caseId)).toContain(caseId);
    expect(await stack.db.prisma.caseTransition.count({ where: { caseId } })).toBe(view.body.transitions.length);

    const afterRelease = await post(`/cases/${caseId}/events`, events.releaseChild());
    expect(afterRelease).toMatchObject({ status: 409, body: { code: 'case_closed', allowedEvents: [] } });
  });

  it('refuses an event the case does not allow now with 409, the reason and the events allowed; nothing changes', async () => {
    const caseId = await openCase();
    const refused = await post(`/cases/${caseId}/events`, events.completeVetting());
    expect(refused).toEqual({
      status: 409,
      body: {
        error: 'Conflict',
        code: 'not_allowed_in_state',
        message: 'COMPLETE_VETTING is not allowed while the case is in intake.',
        status: 'intake',
        allowedEvents: ['COMPLETE_INTAKE', 'DEPART'],
      },
    });
    const early = await post(`/cases/${caseId}/decision`, events.approve());
    expect(early).toMatchObject({
      status: 409,
      body: { code: 'not_allowed_in_state', status: 'intake', allowedEvents: ['TRANSFER_CARE_PROVIDER'] },
    });
    const view = await get<CaseView>(`/cases/${caseId}`);
    expect(view.body).toMatchObject({ status: 'intake', refusedSignals: [] });
    expect(view.body.transitions).toHaveLength(1);
  });

  it('refuses a decision from a role that may not decide', async () => {
    const caseId = await openCase();
    expect((await toDecision(caseId)).status).toBe('release_decision');
    const byCaseManager = await post(`/cases/${caseId}/decision`, events.approve(caseManager));
    // The role comes from the token; the API refuses before anything reaches the case.
    expect(byCaseManager).toEqual({
      status: 403,
      body: { error: 'Forbidden', code: 'role_not_permitted', message: 'DECIDE_RELEASE may be sent by orr_reviewer, not by case_manager.' },
    });
    expect((await get<CaseView>(`/cases/${caseId}`)).body.status).toBe('release_decision');
    expect((await post(`/cases/${caseId}/decision`, events.approve(reviewer))).status).toBe(200);
  });

  it('applies a retried request with the same Idempotency-Key once', async () => {
    const caseId = await openCase();
    const headers = { 'idempotency-key': `${caseId}-intake` };
    const first = await post<CaseView>(`/cases/${caseId}/events`, events.completeIntake(), { headers });
    const retry = await post<CaseView>(`/cases/${caseId}/events`, events.completeIntake(), { headers });
    expect(first.status).toBe(200);
    expect(retry).toEqual(first);
    expect((await get<CaseView>(`/cases/${caseId}`)).body.transitions).toHaveLength(2);
  });

  it('refuses a second case with the same id', async () => {
    const caseId = await openCase();
    const again = await post('/cases', openCaseRequest(caseId));
    expect(again).toMatchObject({ status: 409, body: { code: 'case_exists' } });
  });

  it('never reuses a case id the read model knows, even once Temporal has forgotten the workflow', async () => {
    const caseId = uniqueName('UC-old');
    await stack.db.prisma.case.create({
      data: {
        id: caseId,
        workflowId: `case-${caseId}`,
        careProviderId: 'shelter-tx-07',
        status: 'released',
        admittedAt: new Date('2025-01-01T00:00:00Z'),
        lastSeq: 6,
      },
    });
    expect(await post('/cases', openCaseRequest(caseId))).toMatchObject({ status: 409, body: { code: 'case_exists' } });
  });
});

describe('lists, page by page', () => {
  it('pages through /cases oldest admission first, ties by id, nothing skipped or repeated while cases are added', async () => {
    const provider = uniqueName('shelter-page');
    const admitted = (day: number) => new Date(Date.UTC(2026, 10, day, 14));
    // Two admitted at the same moment: the id breaks the tie.
    const rows = [
      caseRow(`${provider}-c`, { careProviderId: provider, admittedAt: admitted(3) }),
      caseRow(`${provider}-a`, { careProviderId: provider, admittedAt: admitted(1) }),
      caseRow(`${provider}-b2`, { careProviderId: provider, admittedAt: admitted(2) }),
      caseRow(`${provider}-b1`, { careProviderId: provider, admittedAt: admitted(2) }),
      caseRow(`${provider}-d`, { careProviderId: provider, admittedAt: admitted(4), status: 'vetting' }),
    ];
    await stack.db.prisma.case.createMany({ data: rows });
    const get = (path: string) => api.get<{ items: { caseId: string }[]; nextCursor: string | null }>(path, { as: reviewer });
    const path = `/cases?careProviderId=${provider}&limit=2`;
    const pages = await allPages(get, path);
    expect(pages.map((page) => page.map((c) => c.caseId.slice(provider.length + 1)))).toEqual([['a', 'b1'], ['b2', 'c'], ['d']]);

    // A case added after the first page was read: one admitted later shows up, one earlier does not shift anything.
    const first = await get(path);
    await stack.db.prisma.case.createMany({
      data: [
        caseRow(`${provider}-e`, { careProviderId: provider, admittedAt: admitted(5) }),
        caseRow(`${provider}-0`, { careProviderId: provider, admittedAt: admitted(0) }),
      ],
    });
    const rest = await allPages(get, path, first.body.nextCursor!);
    expect(rest.flat().map((c) => c.caseId.slice(provider.length + 1))).toEqual(['b2', 'c', 'd', 'e']);
    // Filters hold across pages.
    expect((await allPages(get, `/cases?careProviderId=${provider}&status=intake&limit=1`)).flat()).toHaveLength(6);
    // Part of the case id, in any case, across pages.
    const found = await allPages(get, `/cases?careProviderId=${provider}&q=${provider.slice(-6).toUpperCase()}-B&limit=1`);
    expect(found.flat().map((c) => c.caseId.slice(provider.length + 1))).toEqual(['b1', 'b2']);
  });
});

describe('bad input gets 400 (or 404) naming the field and the reason, and changes nothing', () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = await openCase();
  });

  it.each([
    ['malformed JSON', '{"type": "COMPLETE_INTAKE",', 'malformed_json', undefined],
    [
      'an unknown field',
      { ...events.completeIntake(), urgent: true },
      'invalid_request',
      { where: 'body', path: '(root)', message: 'Unrecognized key: "urgent"' },
    ],
    [
      'a wrong type',
      { type: 'FLAG_CHECK', check: 'identity', reason: 'x', sponsorPresentsRisk: 'yes' },
      'invalid_request',
      { where: 'body', path: 'sponsorPresentsRisk', message: 'Invalid input: expected boolean, received string' },
    ],
    [
      'an unknown event',
      { type: 'TELEPORT', actor: caseManager },
      'invalid_request',
      {
        where: 'body',
        path: 'type',
        message: expect.stringMatching(/^Invalid discriminator value. Expected 'COMPLETE_INTAKE' \| 'IDENTIFY_SPONSOR'/),
      },
    ],
    [
      'an unknown check',
      { type: 'CLEAR_CHECK', check: 'horoscope' },
      'invalid_request',
      { where: 'body', path: 'check', message: expect.stringContaining('Invalid option') },
    ],
  ])('%s', async (_label, body, code, issue) => {
    const reply = await post(`/cases/${caseId}/events`, body);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: 'Bad Request', code });
    if (issue) expect(reply.body['issues']).toContainEqual(issue);
    const view = await get<CaseView>(`/cases/${caseId}`);
    expect(view.body.transitions).toHaveLength(1);
  });

  it('an invalid case on opening: nothing is started', async () => {
    const bad = openCaseRequest('UC bad id', { admittedAt: 'yesterday' });
    const reply = await post('/cases', bad);
    expect(reply.status).toBe(400);
    expect(reply.body['issues']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ where: 'body', path: 'caseId' }),
        expect.objectContaining({ where: 'body', path: 'admittedAt' }),
      ]),
    );
    await expect(stack.env.client.workflow.getHandle('case-UC bad id').describe()).rejects.toThrow(WorkflowNotFoundError);
  });

  it('an invalid case id in the path', async () => {
    const reply = await get('/cases/a%20b');
    expect(reply).toMatchObject({
      status: 400,
      body: { code: 'invalid_request', issues: [expect.objectContaining({ where: 'params', path: 'id' })] },
    });
  });

  it('an unknown case', async () => {
    expect(await get('/cases/UC-none-such')).toMatchObject({ status: 404, body: { code: 'case_not_found' } });
    expect(await post('/cases/UC-none-such/events', events.completeIntake())).toMatchObject({
      status: 404,
      body: { code: 'case_not_found' },
    });
    expect(await post('/cases/UC-none-such/decision', events.approve())).toMatchObject({ status: 404, body: { code: 'case_not_found' } });
  });

  it('an invalid list filter or cursor', async () => {
    expect(await get('/cases?status=intake,lost')).toMatchObject({
      status: 400,
      body: {
        issues: [
          expect.objectContaining({
            where: 'querystring',
            path: 'status',
            message: expect.stringMatching(/^"lost": expected one of intake, /),
          }),
        ],
      },
    });
    expect(await get('/cases?after=nonsense')).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
  });
});

describe('with no worker running', () => {
  let idle: FastifyInstance;
  const idleApi = { base: '' };
  const { call } = apiClient(idleApi);
  beforeAll(async () => {
    // Same server and database, but a task queue no worker polls.
    idle = await buildApp({
      temporal: stack.env.client,
      prisma: stack.db.prisma,
      taskQueue: uniqueName('nobody'),
      workerWaitMs: 1_000,
      verify: testVerify,
    });
    idleApi.base = await idle.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => idle?.close());

  it('opens cases, answers 503 with the fix for events, and still delivers decisions durably (202)', async () => {
    const caseId = uniqueName('UC-idle');
    expect((await call('POST', '/cases', { body: openCaseRequest(caseId) })).status).toBe(201);
    const event = await call('POST', `/cases/${caseId}/events`, { body: events.completeIntake() });
    expect(event).toMatchObject({ status: 503, body: { code: 'worker_unavailable' } });
    expect(event.body['message']).toMatch(/retry it with the same Idempotency-Key/);
    // The scope check needs no worker and no read-model row: the case started with its care provider as a search attribute.
    const outsider = { id: 'cm-bo', role: 'case_manager' } as const;
    expect(
      await call('POST', `/cases/${caseId}/events`, { body: events.completeIntake(), as: outsider, careProvider: 'shelter-ca-02' }),
    ).toMatchObject({ status: 403, body: { code: 'out_of_scope' } });
    expect(await call('GET', `/cases/${caseId}`)).toMatchObject({ status: 503, body: { code: 'worker_unavailable' } });
    const decision = await call('POST', `/cases/${caseId}/decision`, { body: events.approve() });
    expect(decision).toMatchObject({ status: 202, body: { caseId, delivered: true, applied: null } });
  });
});

describe('the API documents itself', () => {
  it('serves an OpenAPI document generated from the zod schemas', async () => {
    const doc = await get<{ openapi: string; paths: Record<string, Record<string, unknown>> }>('/docs/json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/cases', '/cases/{id}', '/cases/{id}/events', '/cases/{id}/decision', '/cases/{id}/policy']),
    );
    // Every event a case can receive is documented, the decision on its own path.
    const eventsDoc = JSON.stringify(doc.body.paths['/cases/{id}/events']);
    for (const type of CASE_EVENT_TYPES.filter((t) => t !== 'DECIDE_RELEASE')) expect(eventsDoc).toContain(`"${type}"`);
    expect(JSON.stringify(doc.body.paths['/cases/{id}/decision'])).toContain('"DECIDE_RELEASE"');
    expect(JSON.stringify(doc.body.paths['/cases/{id}'])).toContain('allowedEvents');
  });
});

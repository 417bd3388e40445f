import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';

import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import pino from 'pino';

import { buildApp } from '../../src/api/app';
import { signToken } from '../../src/auth/tokens';
import type { CaseEventType } from '../../src/contracts/case-events';
import { CASE_EVENT_TYPES } from '../../src/contracts/case-events';
import type { CaseView } from '../../src/contracts/case-view';
import { caseWorkflowId } from '../../src/contracts/ids';
import { caseCommandUpdate, releaseDecisionSignal } from '../../src/contracts/messages';
import type { Actor } from '../../src/contracts/roles';
import { EVENT_ROLES } from '../../src/domain/policy';
import { AesGcmCodec } from '../../src/temporal/codec';
import { TEST_TOKENS, testVerify, tokenFor } from '../helpers/auth';
import { appealReviewer, caseManager, coordinator, decisionSignal, events, openCaseRequest, reviewer } from '../helpers/builders';
import { eventually } from '../helpers/eventually';
import type { RequestOptions } from '../helpers/http';
import { apiClient } from '../helpers/http';
import { alertRow } from '../helpers/rows';
import { useStack } from '../helpers/stack';
import { temporalLogs, uniqueName } from '../helpers/temporal';

jest.setTimeout(120_000);

/**
 * Who may act, what is kept of every act, and what the workflow engine sees of a child: on the dev
 * server with the payload codec on, the database, a worker and the API.
 */
const codec = new AesGcmCodec([{ id: 'k2', key: randomBytes(32) }]);
const dataConverter = { payloadCodecs: [codec] };
const secret = (TEST_TOKENS.key as { secret: string }).secret;
const otherManager: Actor = { id: 'cm-bo', role: 'case_manager' };
const supervisor: Actor = { id: 'sup-carla', role: 'supervisor' };
const admin: Actor = { id: 'admin-ola', role: 'admin' };
const PERSON_ROLES: Actor[] = [caseManager, coordinator, reviewer, appealReviewer, supervisor, admin];

/** Every line the API logs, at its most talkative level. */
const apiLogs: string[] = [];
const logger = pino(
  { level: 'trace' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      apiLogs.push(chunk.toString());
      done();
    },
  }),
);

const stack = useStack({ dataConverter, app: { codec, decisionWaitMs: 15_000, logger } });

const { call, withHeaders } = apiClient(stack);

async function openCase(overrides: Parameters<typeof openCaseRequest>[1] = {}, as: RequestOptions = {}): Promise<string> {
  const caseId = uniqueName('UC-sec');
  const created = await call('POST', '/cases', { ...as, body: openCaseRequest(caseId, overrides) });
  expect(created.status).toBe(201);
  return caseId;
}

describe('tokens', () => {
  const sign = (
    claims: Record<string, unknown>,
    options: { secret?: string; audience?: string; issuer?: string; expiresIn?: string | number } = {},
  ) =>
    signToken(options.secret ?? secret, claims as never, {
      issuer: options.issuer ?? TEST_TOKENS.issuer,
      audience: options.audience ?? TEST_TOKENS.audience,
      expiresIn: options.expiresIn ?? '1h',
    });

  it.each([
    ['no token', async () => '', 'unauthenticated', /Send "Authorization: Bearer <token>"/],
    [
      'an expired token',
      () =>
        sign({ sub: 'cm-ana', role: 'case_manager', care_provider: 'shelter-tx-07' }, { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
      'invalid_token',
      /expired/,
    ],
    [
      'a wrong signature',
      () =>
        sign(
          { sub: 'cm-ana', role: 'case_manager', care_provider: 'shelter-tx-07' },
          { secret: 'another-secret-of-enough-length-1234567' },
        ),
      'invalid_token',
      /signature does not verify/,
    ],
    [
      'a wrong audience',
      () => sign({ sub: 'cm-ana', role: 'case_manager', care_provider: 'shelter-tx-07' }, { audience: 'payroll' }),
      'invalid_token',
      /another audience: this API accepts "reunify-api"/,
    ],
    [
      'a wrong issuer',
      () => sign({ sub: 'cm-ana', role: 'case_manager', care_provider: 'shelter-tx-07' }, { issuer: 'elsewhere' }),
      'invalid_token',
      /another issuer/,
    ],
    ['no role claim', () => sign({ sub: 'cm-ana' }), 'invalid_token', /claims are invalid \(role: /],
    ['an unknown role', () => sign({ sub: 'cm-ana', role: 'janitor' }), 'invalid_token', /claims are invalid \(role: /],
    [
      'a case manager without a care provider',
      () => sign({ sub: 'cm-ana', role: 'case_manager' }),
      'invalid_token',
      /needs a care_provider claim/,
    ],
    ['not a JWT', async () => 'not-a-jwt', 'invalid_token', /malformed/],
  ])('%s gets 401 saying which, and changes nothing', async (_label, makeToken, code, message) => {
    const before = await stack.db.prisma.case.count();
    const caseId = uniqueName('UC-401');
    const token = await makeToken();
    const reply = await withHeaders('POST', '/cases', { token, body: openCaseRequest(caseId) });
    expect(reply).toMatchObject({ status: 401, body: { code, message: expect.stringMatching(message) } });
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm="reunify"/);
    expect(await stack.db.prisma.case.count()).toBe(before);
    expect((await call('GET', `/cases/${caseId}`, { as: reviewer })).status).toBe(404);
  });

  it('leaves the health check and the docs open', async () => {
    expect((await fetch(`${stack.base}/health`)).status).toBe(200);
    expect((await fetch(`${stack.base}/docs/json`)).status).toBe(200);
  });
});

describe('care-provider scope', () => {
  it("a case manager works their own provider's cases only", async () => {
    const caseId = await openCase();
    const other = { as: otherManager, careProvider: 'shelter-ca-02' };
    expect(await call('GET', `/cases/${caseId}`, other)).toMatchObject({ status: 403, body: { code: 'out_of_scope' } });
    expect(await call('POST', `/cases/${caseId}/events`, { ...other, body: events.completeIntake() })).toMatchObject({
      status: 403,
      body: { code: 'out_of_scope', message: 'The case belongs to another care provider; your token is for shelter-ca-02.' },
    });
    expect(await call('POST', '/cases', { ...other, body: openCaseRequest(uniqueName('UC-x')) })).toMatchObject({ status: 403 });
    expect(await call('GET', '/cases?careProviderId=shelter-tx-07', other)).toMatchObject({ status: 403 });
    const theirs = await call<{ items: { careProviderId: string }[] }>('GET', '/cases', other);
    expect(theirs.body.items.every((c) => c.careProviderId === 'shelter-ca-02')).toBe(true);
    expect(await call('GET', `/cases/${caseId}/audit`, other)).toMatchObject({ status: 403 });
    // ORR sees every provider's cases.
    expect((await call('GET', `/cases/${caseId}`, { as: reviewer })).status).toBe(200);
    expect((await call<CaseView>('GET', `/cases/${caseId}`)).body.status).toBe('intake');
  });
  it('a supervisor scoped to one care provider sees and acts on that provider only, and may not decode payloads', async () => {
    const theirCase = await openCase();
    const ownCase = await openCase({ careProviderId: 'shelter-ca-02' }, { as: otherManager, careProvider: 'shelter-ca-02' });
    const scoped = { as: supervisor, careProvider: 'shelter-ca-02' };
    // Cases: their own provider's only.
    expect(await call('GET', `/cases/${theirCase}`, scoped)).toMatchObject({
      status: 403,
      body: { code: 'out_of_scope', message: 'The case belongs to another care provider; your token is for shelter-ca-02.' },
    });
    expect(await call('GET', `/cases/${theirCase}/audit`, scoped)).toMatchObject({ status: 403, body: { code: 'out_of_scope' } });
    expect((await call<CaseView>('GET', `/cases/${ownCase}`, scoped)).body.careProviderId).toBe('shelter-ca-02');
    expect(await call('GET', '/cases?careProviderId=shelter-tx-07', scoped)).toMatchObject({
      status: 403,
      body: { code: 'out_of_scope', message: "Your token is for care provider shelter-ca-02; you cannot list shelter-tx-07's cases." },
    });
    const listed = await eventually(
      () => call<{ items: { caseId: string; careProviderId: string }[] }>('GET', '/cases?limit=500', scoped),
      (reply) => reply.body.items.some((c) => c.caseId === ownCase),
      "the scoped supervisor's case in the list",
    );
    expect(new Set(listed.body.items.map((c) => c.careProviderId))).toEqual(new Set(['shelter-ca-02']));
    // Alerts: listed, filtered and acknowledged within the provider only.
    const [theirAlert, ownAlert] = await Promise.all([
      stack.db.prisma.alert.create({ data: alertRow(theirCase) }),
      stack.db.prisma.alert.create({ data: alertRow(ownCase, { careProviderId: 'shelter-ca-02' }) }),
    ]);
    const alerts = await call<{ items: { id: string; careProviderId: string }[] }>('GET', '/alerts?limit=500', scoped);
    expect(alerts.body.items.map((a) => a.id)).toContain(ownAlert.id);
    expect(new Set(alerts.body.items.map((a) => a.careProviderId))).toEqual(new Set(['shelter-ca-02']));
    expect(await call('GET', '/alerts?careProviderId=shelter-tx-07', scoped)).toMatchObject({
      status: 403,
      body: { code: 'out_of_scope' },
    });
    expect(await call('POST', `/alerts/${theirAlert.id}/ack`, { ...scoped, body: {} })).toMatchObject({
      status: 403,
      body: { code: 'out_of_scope', message: 'The alert belongs to another care provider; your token is for shelter-ca-02.' },
    });
    // Decoded payloads would show every provider's children.
    const wire = {
      payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"x"').toString('base64') }],
    };
    expect(await call('POST', '/codec/decode', { ...scoped, body: wire })).toMatchObject({
      status: 403,
      body: {
        code: 'role_not_permitted',
        message: 'Payloads are decoded for ORR reviewers, unscoped supervisors and admins, not for a supervisor scoped to shelter-ca-02.',
      },
    });
    expect(await call('POST', '/codec/decode', { as: supervisor, body: wire })).toMatchObject({ status: 200, body: wire });
  });
});

describe('roles', () => {
  /** A valid body of each event type. */
  const samples: Record<CaseEventType, unknown> = {
    COMPLETE_INTAKE: events.completeIntake(),
    IDENTIFY_SPONSOR: events.identifySponsor('1'),
    NO_VIABLE_SPONSOR: events.noViableSponsor(),
    COMPLETE_ASSESSMENT: events.completeAssessment(),
    CLEAR_CHECK: events.clearCheck('identity'),
    FLAG_CHECK: events.flagCheck('identity'),
    COMPLETE_VETTING: events.completeVetting(),
    REQUEST_HOME_STUDY: events.requestHomeStudy(),
    COMPLETE_HOME_STUDY: events.completeHomeStudy(),
    RECOMMEND_RELEASE: events.recommend(),
    REVIEW_CASE: events.review(),
    DECIDE_RELEASE: events.approve(),
    RELEASE_CHILD: events.releaseChild(),
    COMPLETE_FOLLOW_UP: events.completeFollowUp(),
    SPONSOR_WITHDREW: events.sponsorWithdrew(),
    TRANSFER_CARE_PROVIDER: events.transfer('shelter-tx-07'),
    AGE_OUT: events.ageOut(),
    DEPART: events.depart(),
    ADD_HOUSEHOLD_MEMBER: events.addMember(),
    REMOVE_HOUSEHOLD_MEMBER: events.removeMember('hm-1'),
    DECIDE_HOUSEHOLD_FLAG: events.decideHouseholdFlag('hm-1', 'public_records'),
    SCHEDULE_FINGERPRINTS: events.scheduleFingerprints('2026-12-01T15:00:00Z'),
    RECORD_AGE_OUT_PLAN: events.recordAgeOutPlan(),
    FILE_APPEAL: events.fileAppeal(),
    ACKNOWLEDGE_APPEAL: events.acknowledgeAppeal(),
    DECIDE_APPEAL: events.decideAppeal('granted'),
  };

  /**
   * What each pair the policy table allows gets, sent in this order to one case opened for the
   * test (a 9-year-old, Category 1 sponsor): the case moves as the accepted ones take it, until DEPART
   * closes it; the decision comes after that. `200 <status>` is the case's new status; `409 <code>` the case's reason.
   */
  const allowedOutcomes: Record<string, string> = {
    'COMPLETE_INTAKE case_manager': '200 sponsor_identification',
    'IDENTIFY_SPONSOR case_manager': '200 application',
    'NO_VIABLE_SPONSOR case_manager': '409 not_allowed_in_state',
    'COMPLETE_ASSESSMENT case_manager': '200 vetting',
    'ADD_HOUSEHOLD_MEMBER case_manager': '200 vetting',
    'REMOVE_HOUSEHOLD_MEMBER case_manager': '200 vetting',
    'CLEAR_CHECK case_manager': '200 vetting',
    // Identity was just cleared; checks still pending.
    'FLAG_CHECK case_manager': '409 conditions_not_met',
    // hm-1 was removed, and had no flagged result to decide.
    'DECIDE_HOUSEHOLD_FLAG case_manager': '409 conditions_not_met',
    'SCHEDULE_FINGERPRINTS case_manager': '200 vetting',
    'COMPLETE_VETTING case_manager': '409 conditions_not_met',
    'REQUEST_HOME_STUDY case_manager': '409 not_allowed_in_state',
    'REQUEST_HOME_STUDY case_coordinator': '409 not_allowed_in_state',
    'COMPLETE_HOME_STUDY case_manager': '409 not_allowed_in_state',
    'RECOMMEND_RELEASE case_manager': '409 not_allowed_in_state',
    'REVIEW_CASE case_coordinator': '409 not_allowed_in_state',
    'RELEASE_CHILD case_manager': '409 not_allowed_in_state',
    'COMPLETE_FOLLOW_UP case_manager': '409 not_allowed_in_state',
    'SPONSOR_WITHDREW case_manager': '200 sponsor_identification',
    // To the care provider the case is with already.
    'TRANSFER_CARE_PROVIDER orr_reviewer': '409 conditions_not_met',
    // The child is 9.
    'AGE_OUT case_manager': '409 conditions_not_met',
    'DEPART case_manager': '200 closed',
    'RECORD_AGE_OUT_PLAN case_manager': '409 case_closed',
    'FILE_APPEAL case_manager': '409 case_closed',
    'FILE_APPEAL appeal_reviewer': '409 case_closed',
    'ACKNOWLEDGE_APPEAL appeal_reviewer': '409 case_closed',
    'DECIDE_APPEAL appeal_reviewer': '409 case_closed',
    // The decision goes last (CASE_EVENT_TYPES lists the reviewer's signal after the case manager's events).
    'DECIDE_RELEASE orr_reviewer': '409 case_closed',
  };

  it('every role x event pair: 403 exactly when the policy table does not let that role send it, else what the case says', async () => {
    const caseId = await openCase();
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const type of CASE_EVENT_TYPES) {
      for (const actor of PERSON_ROLES) {
        const path = type === 'DECIDE_RELEASE' ? `/cases/${caseId}/decision` : `/cases/${caseId}/events`;
        const reply = await call<Record<string, string>>('POST', path, { as: actor, body: samples[type] });
        const pair = `${type} ${actor.role}`;
        outcomes.push(`${pair}: ${reply.status} ${reply.status === 200 ? reply.body['status'] : reply.body['code']}`);
        expected.push(`${pair}: ${EVENT_ROLES[type].includes(actor.role) ? allowedOutcomes[pair] : '403 role_not_permitted'}`);
      }
    }
    expect(outcomes).toEqual(expected);
    const count = (status: string) => outcomes.filter((o) => o.includes(`: ${status} `)).length;
    console.log(
      `role x event matrix: ${outcomes.length} pairs: ${count('403')} refused by role (403), ${count('200')} applied (200), ${count('409')} refused by the case (409)`,
    );
    expect(outcomes).toHaveLength(CASE_EVENT_TYPES.length * PERSON_ROLES.length);
  });

  it('a caller that reaches Temporal directly meets the same rules in the workflow', async () => {
    const caseId = await openCase();
    const handle = stack.env.client.workflow.getHandle(caseWorkflowId(caseId));
    const err = await handle
      .executeUpdate(caseCommandUpdate, { args: [{ type: 'COMPLETE_INTAKE', actor: { id: 'ffs-ben', role: 'orr_reviewer' } }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as WorkflowUpdateFailedError).cause?.message).toBe('COMPLETE_INTAKE may be sent by case_manager, not by orr_reviewer.');
    // A decision signalled by a case manager is recorded as refused, never applied, and audited.
    await handle.signal(releaseDecisionSignal, decisionSignal(events.approve(caseManager), 'direct-signal'));
    const trail = await eventually(
      () => auditOf(caseId),
      (t) => t.entries.some((e) => e.requestId === 'direct-signal'),
      'the refused signal in the audit trail',
    );
    expect(trail.entries.find((e) => e.requestId === 'direct-signal')).toMatchObject({
      kind: 'refused',
      event: 'DECIDE_RELEASE',
      actor: { id: 'cm-ana', role: 'case_manager' },
    });
  });
});

interface Trail {
  entries: {
    seq: number;
    kind: string;
    event: string;
    actor: Actor;
    reason: string | null;
    requestId: string | null;
    detail: string | null;
  }[];
  verified: boolean;
  brokenAt: number | null;
}

const auditOf = async (caseId: string): Promise<Trail> => (await call<Trail>('GET', `/cases/${caseId}/audit`, { as: reviewer })).body;

describe('audit trail', () => {
  it('keeps every accepted event and every refused attempt, chained; a tampered row fails verification', async () => {
    const caseId = await openCase();
    await call('POST', `/cases/${caseId}/events`, { body: events.completeIntake() });
    await call('POST', `/cases/${caseId}/events`, { body: events.identifySponsor('1') });
    const refusedRole = await call('POST', `/cases/${caseId}/events`, { as: reviewer, body: events.completeAssessment() });
    expect(refusedRole.status).toBe(403);
    const refusedState = await call('POST', `/cases/${caseId}/events`, { body: events.releaseChild() });
    expect(refusedState.status).toBe(409);
    const trail = await eventually(
      () => auditOf(caseId),
      (t) => t.entries.filter((e) => e.kind === 'accepted').length === 3,
      'three accepted events in the audit trail',
    );
    expect(trail.verified).toBe(true);
    expect(trail.entries.map((e) => [e.kind, e.event, e.actor.role])).toEqual(
      expect.arrayContaining([
        ['accepted', 'OPEN_CASE', 'case_manager'],
        ['accepted', 'COMPLETE_INTAKE', 'case_manager'],
        ['accepted', 'IDENTIFY_SPONSOR', 'case_manager'],
        ['refused', 'COMPLETE_ASSESSMENT', 'orr_reviewer'],
        ['refused', 'RELEASE_CHILD', 'case_manager'],
      ]),
    );
    const identified = trail.entries.find((e) => e.event === 'IDENTIFY_SPONSOR')!;
    expect(identified).toMatchObject({ reason: 'Sponsor located through the child, phone interview done', requestId: expect.any(String) });
    expect(trail.entries.find((e) => e.event === 'RELEASE_CHILD')!.detail).toBe(
      'not_allowed_in_state: RELEASE_CHILD is not allowed while the case is in application.',
    );

    await stack.db.prisma.$executeRawUnsafe('ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only');
    try {
      await stack.db.prisma
        .$executeRaw`UPDATE audit_entries SET actor_id = 'someone-else' WHERE case_id = ${caseId} AND event = 'IDENTIFY_SPONSOR'`;
    } finally {
      await stack.db.prisma.$executeRawUnsafe('ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only');
    }
    const tampered = await auditOf(caseId);
    expect(tampered).toMatchObject({ verified: false, brokenAt: identified.seq });
  });
});

describe("children's data", () => {
  it("the Temporal server holds none of a test child's data in the clear; the codec endpoint decodes for ORR only", async () => {
    const birthDate = '2011-07-29';
    const reason = 'Aunt Rosa Quintanilla located in Houston';
    const caseId = await openCase({ child: { birthDate, abuseVictim: true } });
    await call('POST', `/cases/${caseId}/events`, { body: events.completeIntake() });
    await call('POST', `/cases/${caseId}/events`, { body: { type: 'IDENTIFY_SPONSOR', sponsor: { category: '2A' }, reason } });
    // Read the history as the server stores it: a client with no codec.
    const raw = new Client({ connection: stack.env.connection, namespace: 'default' });
    const history = await raw.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
    const text = JSON.stringify(history);
    expect(text.length).toBeGreaterThan(1000);
    for (const secretText of [birthDate, reason, 'Rosa', 'abuseVictim', '"2A"']) expect(text).not.toContain(secretText);
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(Buffer.from(started!.metadata!['encoding']!).toString()).toBe('binary/encrypted');
    expect(Buffer.from(started!.metadata!['encryption-key-id']!).toString()).toBe('k2');

    const wire = {
      payloads: [
        {
          metadata: Object.fromEntries(Object.entries(started!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
          data: Buffer.from(started!.data!).toString('base64'),
        },
      ],
    };
    const decoded = await call<{ payloads: { data: string }[] }>('POST', '/codec/decode', { as: reviewer, body: wire });
    expect(decoded.status).toBe(200);
    expect(Buffer.from(decoded.body.payloads[0]!.data, 'base64').toString()).toContain(birthDate);
    expect(await call('POST', '/codec/decode', { body: wire })).toMatchObject({ status: 403 });
    expect(await call('POST', '/codec/decode', { token: '', body: wire })).toMatchObject({ status: 401 });
  });

  it("logs carry ids, never a child's data: the API's (every level) and the worker's (as deployed)", async () => {
    const birthDate = '2010-02-14';
    const reason = 'Uncle Tomas Echeverria, Riverside, works nights';
    const caseId = await openCase({ child: { birthDate, traffickingVictim: true } });
    await call('POST', `/cases/${caseId}/events`, { body: events.completeIntake() });
    await call('POST', `/cases/${caseId}/events`, {
      body: { type: 'IDENTIFY_SPONSOR', sponsor: { category: '2B', presentsRisk: true }, reason },
    });
    // Refusals and bad input, with the child's data in the request.
    await call('POST', `/cases/${caseId}/events`, { as: otherManager, careProvider: 'shelter-ca-02', body: { type: 'AGE_OUT', reason } });
    await call('POST', `/cases/${caseId}/events`, { body: { type: 'AGE_OUT', reason } });
    expect((await call('POST', `/cases/${caseId}/events`, { body: { type: 'DEPART', reason, departure: birthDate } })).status).toBe(400);
    // A decision the workflow refuses (and logs a warning for), sent straight to Temporal.
    const handle = stack.env.client.workflow.getHandle(caseWorkflowId(caseId));
    await handle.signal(releaseDecisionSignal, decisionSignal({ type: 'DECIDE_RELEASE', decision: 'deny', actor: caseManager, reason }));
    await eventually(
      () => temporalLogs.filter((entry) => entry.meta?.['caseId'] === caseId).map((entry) => entry.message),
      (messages) => messages.includes('Release decision refused'),
      "the worker's warning about the refused decision",
    );
    const api = apiLogs.join('');
    const worker = JSON.stringify(temporalLogs, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
    // The ids are there: each request is logged with its path, the refusal with its case.
    expect(api).toContain(`/cases/${caseId}/events`);
    expect(worker).toContain(caseId);
    for (const childData of [birthDate, reason, 'Tomas', 'traffickingVictim', 'presentsRisk', '"2B"']) {
      expect([childData, api.includes(childData), worker.includes(childData)]).toEqual([childData, false, false]);
    }
  });
});

describe('hardening', () => {
  it('sends security headers, no CORS headers by default, and no stack traces', async () => {
    const reply = await withHeaders('GET', '/cases', { headers: { origin: 'https://evil.example' } });
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reply.headers.get('content-security-policy')).toContain("default-src 'self'");
    // Served over plain HTTP on a LAN host, an upgrade directive would break the app's and the docs' assets.
    expect(reply.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(reply.headers.get('strict-transport-security')).toBeTruthy();
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    const malformed = await call('POST', '/cases', { body: '{"caseId": ' });
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('refuses a body over 64 KiB with 413, changing nothing', async () => {
    const reply = await call('POST', '/cases', { body: { ...openCaseRequest(uniqueName('UC-big')), padding: 'x'.repeat(70_000) } });
    expect(reply.status).toBe(413);
  });

  it('limits each caller to their rate, then 429 with when to retry', async () => {
    const limited = await buildApp({
      temporal: stack.env.client,
      prisma: stack.db.prisma,
      taskQueue: stack.taskQueue,
      verify: testVerify,
      rateLimitPerMinute: 3,
    });
    const url = await limited.listen({ host: '127.0.0.1', port: 0 });
    try {
      const token = await tokenFor(reviewer);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1)
        statuses.push((await fetch(`${url}/targets`, { headers: { authorization: `Bearer ${token}` } })).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      // Another caller has a budget of their own.
      expect((await fetch(`${url}/targets`, { headers: { authorization: `Bearer ${await tokenFor(supervisor)}` } })).status).toBe(200);
      const body = (await (await fetch(`${url}/targets`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
        code: string;
        message: string;
      };
      expect(body).toMatchObject({
        code: 'rate_limited',
        message: expect.stringMatching(/More than 3 requests a minute; retry in \d+ s\./),
      });
    } finally {
      await limited.close();
    }
  });
});

import { join } from 'node:path';

import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';

import { buildApp } from '../../src/api/app';
import { OpenCaseFields } from '../../src/contracts/case-input';
import type { CaseView } from '../../src/contracts/case-view';
import { caseWorkflowId } from '../../src/contracts/ids';
import type { Database } from '../../src/db/client';
import { openDatabase } from '../../src/db/client';
import { freePort } from '../../src/processes';
import { createCaseWorker } from '../../src/worker/create-worker';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../src/worker/workflow-bundle';
import { testVerify } from '../helpers/auth';
import { caseManager, clearPending, events, openCaseRequest, reviewer } from '../helpers/builders';
import { eventually } from '../helpers/eventually';
import { apiClient } from '../helpers/http';
import { useStack } from '../helpers/stack';
import { uniqueName } from '../helpers/temporal';

jest.setTimeout(120_000);

/**
 * The real stack (dev server, PostgreSQL, a worker, the API over HTTP) when the database is away
 * from an API process, and when decisions race the close of their case.
 */
const stack = useStack({ app: { decisionWaitMs: 2_000 } });
const api = apiClient(stack);

/** Intake to the ORR decision with an expedited Category 1 sponsor; answers the case id. */
async function caseAwaitingDecision(): Promise<string> {
  const caseId = uniqueName('UC');
  expect((await api.post('/cases', openCaseRequest(caseId))).status).toBe(201);
  let view: CaseView | undefined;
  const send = async (event: unknown): Promise<void> => {
    const reply = await api.post<CaseView>(`/cases/${caseId}/events`, event);
    if (reply.status !== 200) throw new Error(JSON.stringify(reply.body));
    view = reply.body;
  };
  for (const event of [events.completeIntake(), events.identifySponsor('1'), events.completeAssessment()]) await send(event);
  for (const event of clearPending(view!.checks)) await send(event);
  for (const event of [events.completeVetting(), events.recommend()]) await send(event);
  expect(view!.status).toBe('release_decision');
  return caseId;
}

describe('PostgreSQL out of reach of an API process', () => {
  let dead: Database;
  let app: FastifyInstance;
  let offline: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    // Nothing listens on the port: every query is refused, as while the server is stopped.
    dead = openDatabase(`postgresql://postgres:unused@127.0.0.1:${await freePort()}/reunify`);
    app = await buildApp({ temporal: stack.env.client, prisma: dead.prisma, taskQueue: stack.taskQueue, verify: testVerify });
    offline = apiClient({ base: await app.listen({ host: '127.0.0.1', port: 0 }) });
  });
  afterAll(async () => {
    await app?.close();
    await dead?.close();
  });

  it("transitions keep working from the workflow's own state; reads of the database answer 503 with Retry-After", async () => {
    const caseId = uniqueName('UC');
    expect((await api.post('/cases', openCaseRequest(caseId))).status).toBe(201);
    expect(await offline.post(`/cases/${caseId}/events`, events.completeIntake())).toMatchObject({
      status: 200,
      body: { status: 'sponsor_identification' },
    });
    expect(await offline.post(`/cases/${caseId}/events`, events.completeIntake(), { careProvider: 'shelter-ca-02' })).toMatchObject({
      status: 403,
      body: { code: 'out_of_scope' },
    });
    expect((await offline.get<CaseView>(`/cases/${caseId}`)).body.status).toBe('sponsor_identification');
    for (const path of ['/cases', `/cases/${caseId}/audit`, '/alerts']) {
      const reply = await offline.withHeaders('GET', path, { as: path === '/alerts' ? { id: 'sup', role: 'supervisor' } : caseManager });
      expect({ path, status: reply.status, code: reply.body.code, retryAfter: reply.headers.get('retry-after') }).toEqual({
        path,
        status: 503,
        code: 'database_unavailable',
        retryAfter: '10',
      });
    }
    const opened = await offline.withHeaders('POST', '/cases', { body: openCaseRequest(uniqueName('UC')) });
    expect([opened.status, opened.body.code]).toEqual([503, 'database_unavailable']);
  });
});

describe('decisions racing the close of their case', () => {
  it('many reviewers decide while the case manager closes the case: never a 5xx or a 404, a closed case answers 409 case_closed', async () => {
    const outcomes = new Map<string, number>();
    for (let round = 0; round < 4; round += 1) {
      const caseId = await caseAwaitingDecision();
      const depart = api.post(`/cases/${caseId}/events`, events.depart());
      const decisions = Array.from({ length: 20 }, (_, i) =>
        api.post(`/cases/${caseId}/decision`, events.approve({ id: `ffs-${i}`, role: reviewer.role })),
      );
      for (const reply of await Promise.all([depart, ...decisions])) {
        const what = 'applied' in reply.body ? reply.body.applied : (reply.body.code ?? reply.body.status);
        const key = `${reply.status} ${String(what)}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }
    }
    const statuses = [...outcomes.keys()].map((key) => Number(key.split(' ')[0]));
    expect({ outcomes: Object.fromEntries(outcomes), fiveHundreds: statuses.filter((s) => s >= 500 || s === 404) }).toEqual({
      outcomes: expect.any(Object),
      fiveHundreds: [],
    });
    for (const key of outcomes.keys()) {
      expect([
        '200 true',
        '200 false',
        '202 null',
        '200 closed',
        '200 release_approved',
        '409 case_closed',
        '409 not_allowed_in_state',
      ]).toContain(key);
    }
  });
});

/** Cleanups of a test's own workers, run after it. */
const afterEnd: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of afterEnd.splice(0)) await cleanup();
});

/** The case workflow as bundled for a case that opened before issue 14's patch (see the fixture). */
function bundleBeforeReleasePolicy(): Promise<WorkflowBundleWithSourceMap> {
  const sdk = join(__dirname, '..', 'fixtures', 'workflows', 'before-release-policy.ts');
  return bundleWorkflowCode({
    ...WORKFLOW_BUNDLE_OPTIONS,
    logger: new DefaultLogger('WARN'),
    webpackConfigHook: (config) => {
      const alias = (config.resolve?.alias ?? {}) as Record<string, string>;
      return { ...config, resolve: { ...config.resolve, alias: { ...alias, '@temporalio/workflow$': sdk } } };
    },
  });
}

describe('a case the read model can never hold', () => {
  it('opened before the door refused year 0: a dead letter and an alert to admins, and the case runs on', async () => {
    const caseId = uniqueName('UC');
    // As a case opened before the date rules: straight to Temporal, as the API did then, and run as
    // today's worker runs such a case (its history has no marker of issue 14's patch).
    const open = OpenCaseFields.parse(openCaseRequest(caseId, { admittedAt: '0000-01-01T00:00:00Z', child: { birthDate: '2017-05-20' } }));
    const taskQueue = uniqueName('before-i14');
    const worker = await createCaseWorker({
      connection: stack.env.nativeConnection,
      namespace: 'default',
      taskQueue,
      deps: { prisma: stack.db.prisma, temporal: stack.env.client },
      workflowBundle: await bundleBeforeReleasePolicy(),
    });
    const running = worker.run();
    afterEnd.push(async () => {
      worker.shutdown();
      await running;
    });
    await stack.env.client.workflow.start('caseWorkflow', {
      workflowId: caseWorkflowId(caseId),
      taskQueue,
      args: [{ open }],
    });
    const keys = () => stack.db.prisma.readModelDeadLetter.findMany({ where: { caseId }, orderBy: { id: 'asc' } });
    const letters = await eventually(keys, (rows) => rows.length === 2, 'the dead letters of the opening projection and its alerts');
    // Year 0: the projection, and the alerts it made overdue (their due dates are in year 0 too).
    expect(letters.map((l) => [l.kind, l.sourceKey.split(':')[0], l.sqlState])).toEqual([
      ['projection', 'projection', '22008'],
      ['alerts', 'alerts', '22008'],
    ]);
    expect(letters[0]!.sourceKey).toBe('projection:0-0');
    const admin = { id: 'admin-ola', role: 'admin' } as const;
    const alerts = await api.get<{ items: { id: string; rule: string; level: string }[] }>('/alerts?open=true', { as: admin });
    expect(alerts.body.items).toContainEqual(
      expect.objectContaining({ id: `${caseId}:read_model:dead-letter`, rule: 'read_model', level: 'program_lead' }),
    );
    // The case itself is whole: it answers and moves on.
    expect(await api.post(`/cases/${caseId}/events`, events.completeIntake())).toMatchObject({
      status: 200,
      body: { status: 'sponsor_identification' },
    });
    await eventually(keys, (rows) => rows.some((l) => l.sourceKey === 'projection:1-1'), 'the next projection refused and kept too');
    expect(await stack.db.prisma.alert.count({ where: { caseId } })).toBe(1);
  });
});

describe('Idempotency-Key over HTTP', () => {
  it('reused with a different request: 422, and the other request is not applied', async () => {
    const caseId = uniqueName('UC');
    expect((await api.post('/cases', openCaseRequest(caseId))).status).toBe(201);
    const headers = { 'idempotency-key': `${caseId}-k` };
    expect((await api.post(`/cases/${caseId}/events`, events.completeIntake(), { headers })).status).toBe(200);
    expect(await api.post(`/cases/${caseId}/events`, events.identifySponsor('1'), { headers })).toEqual({
      status: 422,
      body: {
        error: 'Unprocessable Entity',
        code: 'idempotency_key_reused',
        message: `Idempotency-Key ${caseId}-k was used for a different request to this case; use a new key for a new request.`,
      },
    });
    const view = (await api.get<CaseView>(`/cases/${caseId}`)).body;
    expect(view).toMatchObject({ status: 'sponsor_identification', sponsor: null });
    // The same body from another caller is another request too.
    const other = await api.post(`/cases/${caseId}/events`, events.completeIntake(), {
      headers,
      as: { id: 'cm-bo', role: 'case_manager' },
    });
    expect(other.status).toBe(422);
  });

  it('after a refusal: the refusal is the outcome, also once the case has moved on', async () => {
    const caseId = uniqueName('UC');
    expect((await api.post('/cases', openCaseRequest(caseId))).status).toBe(201);
    const headers = { 'idempotency-key': `${caseId}-assess` };
    const refused = await api.post(`/cases/${caseId}/events`, events.completeAssessment(), { headers });
    expect(refused).toMatchObject({ status: 409, body: { code: 'not_allowed_in_state', status: 'intake' } });
    for (const event of [events.completeIntake(), events.identifySponsor('1')]) {
      expect((await api.post(`/cases/${caseId}/events`, event)).status).toBe(200);
    }
    expect(await api.post(`/cases/${caseId}/events`, events.completeAssessment(), { headers })).toEqual(refused);
    expect((await api.get<CaseView>(`/cases/${caseId}`)).body.status).toBe('application');
  });
});

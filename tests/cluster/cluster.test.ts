import { hostname } from 'node:os';

import type { Client } from '@temporalio/client';

import type { CaseView } from '../../src/contracts/case-view';
import { caseWorkflowId } from '../../src/contracts/ids';
import { clearPending, events, openCaseRequest } from '../helpers/builders';
import { clusterApi, clusterControl, clusterTemporal, clusterUnderTest } from '../helpers/cluster';
import { eventually } from '../helpers/eventually';
import type { Reply } from '../helpers/http';
import { uniqueName } from '../helpers/temporal';

jest.setTimeout(180_000);

/**
 * Reunify on the production-shaped cluster of `npm run cluster -- --e2e`: a Temporal server on
 * PostgreSQL with its UI, two case workers, two API processes and the proxy in front of them, each
 * its own process. Nothing here is started in the test's process; it works over HTTP and gRPC, and
 * kills and starts the cluster's processes through its control endpoint.
 */
const cluster = clusterUnderTest();
const proxy = clusterApi(cluster, cluster.proxy);
const [api1, api2] = cluster.apis.map((base) => clusterApi(cluster, base)) as [
  ReturnType<typeof clusterApi>,
  ReturnType<typeof clusterApi>,
];
const control = clusterControl(cluster);
let temporal: { client: Client; close: () => Promise<void> };

beforeAll(async () => {
  temporal = await clusterTemporal(cluster);
});
afterAll(async () => {
  // Whatever a test did, the cluster is left whole for the next.
  for (const process of await control.processes()) if (process.pid === null) await control.start(process.name);
  await temporal?.close();
});

type Api = typeof proxy;

async function openCase(api: Api): Promise<string> {
  const caseId = uniqueName('UC-cluster');
  const opened = await api.post('/cases', openCaseRequest(caseId));
  if (opened.status !== 201) throw new Error(`POST /cases answered ${opened.status}: ${JSON.stringify(opened.body)}`);
  return caseId;
}

/**
 * Sends an event with an Idempotency-Key until it gets an answer other than 503 (the API's "no
 * worker answered yet, retry with the same key"); answers that answer and how many 503s came first.
 */
async function sendKeyed(api: Api, caseId: string, event: unknown, key: string): Promise<{ reply: Reply<CaseView>; retries: number }> {
  for (let retries = 0; ; retries += 1) {
    const reply = await api.post<CaseView>(`/cases/${caseId}/events`, event, { headers: { 'idempotency-key': key } });
    if (reply.status !== 503 || retries >= 10) return { reply, retries };
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/**
 * The identities (`pid@host`) of the workers that completed the case's workflow tasks after event
 * `afterEventId`, in order, and the id of the history's last event.
 */
async function workflowTaskWorkers(caseId: string, afterEventId = 0): Promise<{ workers: string[]; lastEventId: number }> {
  const history = await temporal.client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
  const events = history.events ?? [];
  const workers = events
    .filter((e) => Number(e.eventId) > afterEventId && e.workflowTaskCompletedEventAttributes)
    .map((e) => e.workflowTaskCompletedEventAttributes!.identity ?? '');
  return { workers, lastEventId: Number(events.at(-1)?.eventId ?? 0) };
}

const identityOf = (pid: number | null): string => `${String(pid)}@${hostname()}`;

describe('a case moves while its worker is killed', () => {
  it('kill -9 of the worker that holds the case: the other worker takes it over, and each transition applies once', async () => {
    const caseId = await openCase(proxy);
    const step = async (event: unknown, key: string): Promise<CaseView> => {
      const { reply } = await sendKeyed(proxy, caseId, event, `${caseId}-${key}`);
      expect({ key, status: reply.status }).toEqual({ key, status: 200 });
      return reply.body;
    };
    await step(events.completeIntake(), 'intake');
    const before = await control.processes();
    const pid = (name: string): number | null => before.find((p) => p.name === name)!.pid;

    // Worker 1 killed: worker 2 alone runs the case. (What happened before the kill is in history up to `phase1`.)
    await control.kill('worker-1');
    const phase1 = (await workflowTaskWorkers(caseId)).lastEventId;
    await step(events.identifySponsor('1'), 'sponsor');
    const vetting = await step(events.completeAssessment(), 'assessment');
    expect(new Set((await workflowTaskWorkers(caseId, phase1)).workers)).toEqual(new Set([identityOf(pid('worker-2'))]));

    // Worker 1 back with a new pid; worker 2, which holds the case (it completed its last workflow task), killed.
    const restarted = await control.start('worker-1');
    await control.kill('worker-2');
    const beforeKill = await workflowTaskWorkers(caseId);
    expect(beforeKill.workers.at(-1)).toBe(identityOf(pid('worker-2')));
    const checks = clearPending(vetting.checks);
    for (const [i, event] of checks.entries()) await step(event, `check-${i}`);
    await step(events.completeVetting(), 'vetting');
    expect((await step(events.recommend(), 'recommend')).status).toBe('release_decision');
    expect(new Set((await workflowTaskWorkers(caseId, beforeKill.lastEventId)).workers)).toEqual(new Set([identityOf(restarted.pid)]));
    await control.start('worker-2');

    const view = (await proxy.get<CaseView>(`/cases/${caseId}`)).body;
    expect(view.transitions.map((t) => t.event)).toEqual([
      'OPEN_CASE',
      'COMPLETE_INTAKE',
      'IDENTIFY_SPONSOR',
      'COMPLETE_ASSESSMENT',
      ...checks.map(() => 'CLEAR_CHECK'),
      'COMPLETE_VETTING',
      'RECOMMEND_RELEASE',
    ]);
    // The read model, written by the activities of both workers, holds the same transitions once each.
    const audit = await eventually(
      () => proxy.get<{ entries: { event: string }[]; verified: boolean }>(`/cases/${caseId}/audit`),
      (r) => r.status === 200 && r.body.entries.length === view.transitions.length,
      'the audit trail of every transition (a projection the killed worker held is retried after its 30 s timeout)',
      90_000,
      500,
    );
    expect(audit.body.verified).toBe(true);
  });
});

/** A reply with what differs between two equal requests to two cases left out: the case id, clock times, request ids. */
function comparable(reply: Reply<unknown>, caseId: string): unknown {
  return JSON.parse(JSON.stringify(reply), (key, value: unknown) => {
    if (key === 'requestId' || key === 'remainingSeconds') return '<varies>';
    if (typeof value !== 'string') return value;
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(value) && key !== 'admittedAt') return '<time>';
    // Epoch milliseconds inside keys (a result's expiry) follow the clock too.
    return value
      .split(caseId)
      .join('<case>')
      .replace(/\d{13}/g, '<ms>');
  });
}

describe('Updates through either API process', () => {
  it('give the same answers and the same refusals', async () => {
    const [a, b] = [await openCase(api1), await openCase(api2)];
    const both = async (send: (api: Api, caseId: string) => Promise<Reply<unknown>>): Promise<void> => {
      const [first, second] = [await send(api1, a), await send(api2, b)];
      expect(comparable(second, b)).toEqual(comparable(first, a));
    };
    const event = (body: unknown) => (api: Api, caseId: string) => api.post(`/cases/${caseId}/events`, body);
    await both((api, caseId) => api.get(`/cases/${caseId}`));
    await both(event(events.completeIntake()));
    await both(event(events.identifySponsor('1')));
    // Refused by the case: 409 with the reason and the events allowed now; refused by the API: 403.
    await both(event(events.releaseChild()));
    await both((api, caseId) => api.post(`/cases/${caseId}/events`, events.completeIntake(), { careProvider: 'shelter-ca-02' }));
    await both((api, caseId) => api.post(`/cases/${caseId}/decision`, events.approve()));
    const vetting = await api1.post<CaseView>(`/cases/${a}/events`, events.completeAssessment());
    expect((await api2.post<CaseView>(`/cases/${b}/events`, events.completeAssessment())).status).toBe(200);
    for (const check of clearPending(vetting.body.checks)) await both(event(check));
    await both(event(events.completeVetting()));
    await both(event(events.recommend()));
    await both((api, caseId) => api.get(`/cases/${caseId}`));

    // The same refusal for the same case, whichever process answers it.
    const refusals = await Promise.all([api1, api2].map((api) => api.post(`/cases/${a}/events`, events.completeIntake())));
    expect(refusals[0]).toMatchObject({ status: 409, body: { code: 'not_allowed_in_state', status: 'release_decision' } });
    expect(refusals[1]).toEqual(refusals[0]);
  });

  it('an Idempotency-Key first used on one API process and retried on the other: the first outcome, applied once', async () => {
    const caseId = await openCase(api1);
    const key = (name: string) => ({ headers: { 'idempotency-key': `${caseId}-${name}` } });
    const first = await api1.post<CaseView>(`/cases/${caseId}/events`, events.completeIntake(), key('intake'));
    expect(first.status).toBe(200);
    expect(await api2.post<CaseView>(`/cases/${caseId}/events`, events.completeIntake(), key('intake'))).toEqual(first);

    // The key reused for another request: 422 from either process, and the other request not applied.
    const reused = await api2.post(`/cases/${caseId}/events`, events.identifySponsor('1'), key('intake'));
    expect(reused).toMatchObject({ status: 422, body: { code: 'idempotency_key_reused' } });
    expect(await api1.post(`/cases/${caseId}/events`, events.identifySponsor('1'), key('intake'))).toEqual(reused);

    // A refusal is the outcome too: retried on the other process once the case allows the event, it is refused again.
    const refused = await api2.post(`/cases/${caseId}/events`, events.completeAssessment(), key('assess'));
    expect(refused).toMatchObject({ status: 409, body: { code: 'not_allowed_in_state', status: 'sponsor_identification' } });
    expect((await api2.post(`/cases/${caseId}/events`, events.identifySponsor('1'), key('sponsor'))).status).toBe(200);
    expect(await api1.post(`/cases/${caseId}/events`, events.completeAssessment(), key('assess'))).toEqual(refused);

    const view = (await proxy.get<CaseView>(`/cases/${caseId}`)).body;
    expect(view).toMatchObject({ status: 'application', sponsor: { category: '1' } });
    expect(view.transitions.map((t) => t.event)).toEqual(['OPEN_CASE', 'COMPLETE_INTAKE', 'IDENTIFY_SPONSOR']);
  });
});

describe("Temporal's UI", () => {
  it('serves its page and its health check, and lists the namespace and the cases from the cluster', async () => {
    const page = await fetch(cluster.ui);
    expect({ status: page.status, type: page.headers.get('content-type') }).toEqual({
      status: 200,
      type: expect.stringMatching(/^text\/html/),
    });
    expect(await page.text()).toMatch(/<html/i);
    const health = await fetch(`${cluster.ui}/healthz`);
    expect({ status: health.status, body: await health.json() }).toEqual({ status: 200, body: { status: 'OK' } });

    const namespaces = await fetch(`${cluster.ui}/api/v1/namespaces`);
    expect(namespaces.status).toBe(200);
    const listed = (await namespaces.json()) as { namespaces: { namespaceInfo: { name: string } }[] };
    expect(listed.namespaces.map((n) => n.namespaceInfo.name)).toContain('default');

    const caseId = await openCase(proxy);
    const query = encodeURIComponent(`WorkflowId="${caseWorkflowId(caseId)}"`);
    const found = await eventually(
      async () => {
        const response = await fetch(`${cluster.ui}/api/v1/namespaces/default/workflows?query=${query}`);
        return { status: response.status, body: (await response.json()) as { executions?: { execution: { workflowId: string } }[] } };
      },
      (r) => r.status === 200 && (r.body.executions ?? []).length > 0,
      "the case's workflow in the UI's list",
    );
    expect(found.body.executions!.map((e) => e.execution.workflowId)).toEqual([caseWorkflowId(caseId)]);
  });
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { signWebhook } from '../../src/activities/case-activities';
import type { CaseView } from '../../src/contracts/case-view';
import type { Targets } from '../../src/contracts/targets';
import { DEFAULT_TARGETS } from '../../src/contracts/targets';
import { tokenFor } from '../helpers/auth';
import { events, openCaseRequest } from '../helpers/builders';
import { eventually } from '../helpers/eventually';
import { allPages, apiClient } from '../helpers/http';
import { alertRow } from '../helpers/rows';
import { useStack } from '../helpers/stack';
import { uniqueName } from '../helpers/temporal';

jest.setTimeout(120_000);

/**
 * Alerts end to end on the dev server, in real time: targets of seconds, the live stream (SSE), a
 * signed webhook whose receiver fails and recovers, a dead letter, acknowledgement, a targets change.
 */
const SECOND_IN_DAYS = 1 / 86_400;
const SECRET = 'e2e-webhook-secret-with-32-characters!!';
const admin = { id: 'admin-ola', role: 'admin' } as const;
const supervisor = { id: 'sup-carla', role: 'supervisor' } as const;

/** The webhook receiver: per case, how many deliveries to fail before answering 204 (Infinity: never). */
const failuresLeft = new Map<string, number>();
const deliveries: { caseId: string; alertId: string; status: number; signatureValid: boolean }[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const { alert } = JSON.parse(body) as { alert: { id: string; caseId: string } };
    const timestamp = String(req.headers['x-reunify-timestamp']);
    const signatureValid = req.headers['x-reunify-signature'] === signWebhook(SECRET, timestamp, body);
    const left = failuresLeft.get(alert.caseId) ?? 0;
    const status = left > 0 ? 500 : 204;
    failuresLeft.set(alert.caseId, left - 1);
    deliveries.push({ caseId: alert.caseId, alertId: alert.id, status, signatureValid });
    res.statusCode = status;
    res.end();
  });
});

/** Targets of seconds: the intake target (2 s from admission) warns at 1 s; repeats after a day. */
const fastTargets: Targets = {
  ...DEFAULT_TARGETS,
  warnAtFraction: 0.5,
  repeatEveryDays: 1,
  stages: DEFAULT_TARGETS.stages.map((s) => (s.name === 'sponsor_identified' ? { ...s, days: 2 * SECOND_IN_DAYS } : s)),
};

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
const stack = useStack(() => ({
  worker: { webhook: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secret: SECRET } },
  app: { alertDelivery: { webhookMaxAttempts: 3, webhookInitialIntervalMs: 200 }, alertStreamPollMs: 100 },
}));
beforeAll(async () => {
  const changed = await call('PUT', '/targets', { actor: admin, reason: 'Seconds, for the end-to-end test', targets: fastTargets });
  expect(changed.status).toBe(200);
});
afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const { call: request } = apiClient(stack);
const call = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => request<T>(method, path, { body });

interface StreamEvent {
  id: string;
  event: string;
  data: { at: string; alert: { id: string; caseId: string; level: string; acknowledged: unknown } };
}

/**
 * A live-stream client: collects events until closed. A stream that answers anything but an event
 * stream, or breaks, fails the test at once: `ready` rejects, and `events()` (what waits poll) throws.
 */
function openStream(lastEventId?: string) {
  const received: StreamEvent[] = [];
  const controller = new AbortController();
  let failure: Error | undefined;
  let connected!: () => void;
  let failed!: (err: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    connected = resolve;
    failed = reject;
  });
  const done = (async () => {
    const response = await fetch(`${stack.base}/alerts/stream`, {
      headers: { authorization: `Bearer ${await tokenFor(supervisor)}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      signal: controller.signal,
    });
    const type = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || !type.startsWith('text/event-stream')) {
      throw new Error(`The alert stream answered ${response.status} (${type}): ${await response.text()}`);
    }
    connected();
    await readEvents(response.body!.getReader(), (event) => received.push(event));
  })().catch((err: Error) => {
    if (err.name === 'AbortError') return;
    failure = new Error(`The alert stream failed: ${err.message}`, { cause: err });
    failed(failure);
  });
  const events = (): StreamEvent[] => {
    if (failure) throw failure;
    return received;
  };
  const close = async (): Promise<void> => {
    controller.abort();
    await done;
    if (failure) throw failure;
  };
  return { events, ready, close };
}

/** Parses Server-Sent Events (id, event, data; comments skipped) until the stream ends. */
async function readEvents(reader: ReadableStreamDefaultReader<Uint8Array>, onEvent: (event: StreamEvent) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(
        block
          .split('\n')
          .filter((line) => line && !line.startsWith(':'))
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
      );
      if (fields['event']) onEvent({ id: fields['id'] ?? '', event: fields['event'], data: JSON.parse(fields['data'] ?? '{}') });
    }
  }
}

describe('alerts end to end', () => {
  it('streams alerts live, delivers them signed to a webhook that fails then recovers, and takes an acknowledgement', async () => {
    const stream = openStream();
    await stream.ready;
    const caseId = uniqueName('UC-alert');
    failuresLeft.set(caseId, 2);
    expect((await call('POST', '/cases', openCaseRequest(caseId, { admittedAt: new Date().toISOString() }))).status).toBe(201);

    const warningId = `${caseId}:stage.sponsor_identified.0:warning`;
    const escalationId = `${caseId}:stage.sponsor_identified.0:escalation-0`;
    await eventually(
      () =>
        stream
          .events()
          .filter((e) => e.data.alert.caseId === caseId)
          .map((e) => `${e.event} ${e.data.alert.id}`),
      (seen) => seen.includes(`alert.fired ${escalationId}`),
      'the escalation on the stream',
    );
    const forCase = stream.events().filter((e) => e.data.alert.caseId === caseId);
    expect(forCase.map((e) => `${e.event} ${e.data.alert.id}`)).toEqual([`alert.fired ${warningId}`, `alert.fired ${escalationId}`]);
    expect(Number(forCase[1]!.id)).toBeGreaterThan(Number(forCase[0]!.id));

    // The receiver refused the first two deliveries; the retries got both alerts through, signed.
    const delivered = await eventually(
      () => deliveries.filter((d) => d.caseId === caseId),
      (ds) => ds.filter((d) => d.status === 204).length === 2,
      'both alerts delivered',
    );
    expect(delivered.slice(0, 2).map((d) => d.status)).toEqual([500, 500]);
    expect(delivered.every((d) => d.signatureValid)).toBe(true);
    expect(new Set(delivered.filter((d) => d.status === 204).map((d) => d.alertId))).toEqual(new Set([warningId, escalationId]));
    expect(await stack.db.prisma.webhookDeadLetter.count({ where: { alertId: { startsWith: caseId } } })).toBe(0);

    // Listing: open alerts for the care provider, the escalation included.
    const listed = await call<{ items: { id: string; level: string }[] }>(
      'GET',
      '/alerts?open=true&careProviderId=shelter-tx-07&level=supervisor',
    );
    expect(listed.body.items.map((a) => a.id)).toEqual(expect.arrayContaining([warningId, escalationId]));

    // A case manager may not acknowledge; a supervisor may, once.
    expect(await call('POST', `/alerts/${escalationId}/ack`, { actor: { id: 'cm-ana', role: 'case_manager' } })).toMatchObject({
      status: 403,
      body: { code: 'role_not_permitted' },
    });
    const acked = await call<{ acknowledged: { by: { id: string } } }>('POST', `/alerts/${escalationId}/ack`, {
      actor: supervisor,
      note: 'Calling the family',
    });
    expect(acked.status).toBe(200);
    expect(acked.body.acknowledged.by.id).toBe('sup-carla');
    expect(await call('POST', `/alerts/${escalationId}/ack`, { actor: supervisor })).toMatchObject({
      status: 409,
      body: { code: 'ack_refused' },
    });
    expect(await call('POST', `/alerts/${caseId}:nothing:warning/ack`, { actor: supervisor })).toMatchObject({ status: 404 });
    await eventually(
      () => stream.events().map((e) => `${e.event} ${e.data.alert.id}`),
      (seen) => seen.includes(`alert.acknowledged ${escalationId}`),
      'the acknowledgement on the stream',
    );

    // Moving the case past sponsor identification resolves both.
    const moved = await call<CaseView>('POST', `/cases/${caseId}/events`, events.completeIntake());
    expect(moved.status).toBe(200);
    await call('POST', `/cases/${caseId}/events`, events.identifySponsor('1'));
    await eventually(
      () => stream.events().filter((e) => e.event === 'alert.resolved' && e.data.alert.caseId === caseId).length,
      (n) => n === 2,
      'both alerts resolved',
    );
    const afterResolved = await call<{ items: { id: string }[] }>('GET', `/alerts?open=true&careProviderId=shelter-tx-07`);
    expect(afterResolved.body.items.map((a) => a.id)).not.toContain(warningId);

    // A reconnect with Last-Event-ID resumes right after it: nothing missed, nothing repeated.
    const firstId = forCase[0]!.id;
    const resumed = openStream(firstId);
    await resumed.ready;
    const all = stream.events().filter((e) => Number(e.id) > Number(firstId));
    await eventually(
      () => resumed.events().length,
      (n) => n >= all.length,
      'the resumed stream',
    );
    expect(
      resumed
        .events()
        .slice(0, all.length)
        .map((e) => e.id),
    ).toEqual(all.map((e) => e.id));
    await resumed.close();
    await stream.close();
  });

  it('pages through /alerts newest first, ties by id, and keeps its filters across pages', async () => {
    const provider = uniqueName('shelter-page');
    const fired = (hour: number) => new Date(Date.UTC(2026, 10, 20, hour));
    const row = (caseId: string, hour: number, extra: Parameters<typeof alertRow>[1] = {}) =>
      alertRow(`${provider}-${caseId}`, { careProviderId: provider, firedAt: fired(hour), ...extra });
    await stack.db.prisma.alert.createMany({
      data: [row('a', 1), row('c', 3), row('b1', 2), row('b2', 2, { resolvedAt: fired(5) }), row('d', 4, { level: 'program_lead' })],
    });
    const get = (path: string) => request<{ items: { caseId: string }[]; nextCursor: string | null }>('GET', path, { as: supervisor });
    const caseIds = (pages: { caseId: string }[][]) => pages.map((page) => page.map((a) => a.caseId.slice(provider.length + 1)));
    expect(caseIds(await allPages(get, `/alerts?careProviderId=${provider}&limit=2`))).toEqual([['d', 'c'], ['b2', 'b1'], ['a']]);
    expect(caseIds(await allPages(get, `/alerts?careProviderId=${provider}&open=true&level=supervisor&limit=1`))).toEqual([
      ['c'],
      ['b1'],
      ['a'],
    ]);
    expect(await call('GET', '/alerts?after=nonsense')).toMatchObject({
      status: 400,
      body: { code: 'invalid_request', issues: [{ where: 'querystring', path: 'after', message: 'not a cursor returned by this API' }] },
    });
  });

  it('keeps a dead letter for an alert the webhook never takes', async () => {
    const caseId = uniqueName('UC-dead');
    failuresLeft.set(caseId, Infinity);
    expect((await call('POST', '/cases', openCaseRequest(caseId, { admittedAt: new Date().toISOString() }))).status).toBe(201);
    const letters = await eventually(
      () => stack.db.prisma.webhookDeadLetter.findMany({ where: { alertId: { startsWith: caseId } }, orderBy: { alertId: 'asc' } }),
      (rows) => rows.length === 2,
      'two dead letters',
    );
    expect(letters.map((l) => [l.alertId.slice(caseId.length), l.attempts])).toEqual([
      [':stage.sponsor_identified.0:escalation-0', 3],
      [':stage.sponsor_identified.0:warning', 3],
    ]);
    expect(letters[0]!.lastError).toMatch(/500/);
    expect(deliveries.filter((d) => d.caseId === caseId)).toHaveLength(6);
  });

  it('a targets change reaches the open cases without a restart, moves their deadlines, and is recorded', async () => {
    const caseId = uniqueName('UC-targets');
    const admittedAt = Date.now();
    await call('POST', '/cases', openCaseRequest(caseId, { admittedAt: new Date(admittedAt).toISOString() }));
    // On the fast targets the 2-second escalation fires; the next deadline is its repeat a day later.
    const before = await eventually(
      async () => (await call<CaseView>('GET', `/cases/${caseId}`)).body.alerts,
      (a) => a.firedCount === 2 && a.nextDeadlineAt !== null,
      'the escalation',
    );
    expect(Date.parse(before.nextDeadlineAt!)).toBe(admittedAt + 2000 + 86_400_000);
    const oneDay = { ...fastTargets, stages: fastTargets.stages.map((s) => (s.name === 'sponsor_identified' ? { ...s, days: 1 } : s)) };
    const changed = await call<{ version: number; broadcast: { workflowId: string } }>('PUT', '/targets', {
      actor: admin,
      reason: 'Sponsor identification target back to a day',
      targets: oneDay,
    });
    expect(changed.status).toBe(200);
    expect(changed.body.version).toBe(before.targetsVersion + 1);
    const after = await eventually(
      async () => (await call<CaseView>('GET', `/cases/${caseId}`)).body.alerts,
      (a) => a.targetsVersion === before.targetsVersion + 1,
      'the open case on the new targets',
    );
    // The warning and escalation already fired stay fired; the next deadline is the first repeat of the
    // new target (its escalation, day 1, plus the repeat interval, a day): no longer 2 s + a day.
    expect(Date.parse(after.nextDeadlineAt!)).toBe(admittedAt + 2 * 86_400_000);
    expect((await call<{ version: number }>('GET', '/targets')).body.version).toBe(changed.body.version);
    const recorded = await stack.db.prisma.targetSet.findUniqueOrThrow({ where: { version: changed.body.version } });
    expect(recorded).toMatchObject({ actorId: 'admin-ola', actorRole: 'admin', reason: 'Sponsor identification target back to a day' });
    expect(await call('PUT', '/targets', { actor: supervisor, reason: 'x', targets: fastTargets })).toMatchObject({
      status: 403,
      body: { code: 'role_not_permitted' },
    });
    const invalid = await call('PUT', '/targets', { actor: admin, reason: 'x', targets: { ...fastTargets, followUpOverdueDays: 10 } });
    expect(invalid).toMatchObject({ status: 400, body: { issues: [expect.objectContaining({ path: 'targets.followUpOverdueDays' })] } });
  });
});

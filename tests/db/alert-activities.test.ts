import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';

import { createCaseActivities, signWebhook } from '../../src/activities/case-activities';
import type { Alert, AlertRecord } from '../../src/contracts/alerts';
import { CaseFailure } from '../../src/contracts/failures';
import { useTestDatabase } from '../helpers/test-db';

jest.setTimeout(60_000);

const testDb = useTestDatabase();

const alert = (caseId: string, step: string, extra: Partial<Alert> = {}): Alert => ({
  id: `${caseId}:length_of_stay:${step}`,
  caseId,
  careProviderId: 'shelter-tx-07',
  sponsorCategory: '1',
  rule: 'length_of_stay',
  chain: 'length_of_stay',
  kind: step === 'warning' ? 'warning' : 'escalation',
  repeat: 0,
  level: 'supervisor',
  dueAt: '2026-11-09T14:00:00.000Z',
  firedAt: '2026-11-09T14:00:01.000Z',
  message: `${caseId}: Nearing the Category 1 length-of-stay target of 10 days from admission.`,
  ...extra,
});

describe('recordAlerts', () => {
  it('writes each alert and each stream event once, however often it runs', async () => {
    const { recordAlerts } = createCaseActivities({ prisma: testDb.db.prisma });
    const record: AlertRecord = { fired: [alert('UC-A1', 'warning')], resolved: [], acknowledged: [] };
    expect(await recordAlerts(record)).toEqual({ webhook: false });
    await recordAlerts(record);
    expect(await testDb.db.prisma.alert.count({ where: { caseId: 'UC-A1' } })).toBe(1);
    expect(
      await testDb.db.prisma.alertEvent.findMany({ where: { alertId: 'UC-A1:length_of_stay:warning' }, select: { type: true } }),
    ).toEqual([{ type: 'fired' }]);
  });

  it('records an acknowledgement and a resolution once each, the first one winning', async () => {
    const { recordAlerts } = createCaseActivities({ prisma: testDb.db.prisma });
    const fired = alert('UC-A2', 'escalation-0');
    await recordAlerts({ fired: [fired], resolved: [], acknowledged: [] });
    const ack = {
      alertId: fired.id,
      actor: { id: 'sup-carla', role: 'supervisor' as const },
      at: '2026-11-12T09:00:00.000Z',
      note: 'On it',
    };
    await recordAlerts({ fired: [], resolved: [], acknowledged: [ack] });
    await recordAlerts({ fired: [], resolved: [], acknowledged: [{ ...ack, at: '2026-11-13T09:00:00.000Z', note: 'again' }] });
    await recordAlerts({ fired: [], resolved: [{ alertId: fired.id, at: '2026-11-14T09:00:00.000Z' }], acknowledged: [] });
    await recordAlerts({ fired: [], resolved: [{ alertId: fired.id, at: '2026-11-15T09:00:00.000Z' }], acknowledged: [] });
    const row = await testDb.db.prisma.alert.findUniqueOrThrow({ where: { id: fired.id } });
    expect(row).toMatchObject({ acknowledgedById: 'sup-carla', acknowledgedByRole: 'supervisor', ackNote: 'On it' });
    expect(row.acknowledgedAt?.toISOString()).toBe('2026-11-12T09:00:00.000Z');
    expect(row.resolvedAt?.toISOString()).toBe('2026-11-14T09:00:00.000Z');
    const types = await testDb.db.prisma.alertEvent.findMany({
      where: { alertId: fired.id },
      orderBy: { id: 'asc' },
      select: { type: true },
    });
    expect(types.map((t) => t.type)).toEqual(['fired', 'acknowledged', 'resolved']);
  });

  it('keeps a dead letter once', async () => {
    const { recordAlerts, recordDeadLetter } = createCaseActivities({ prisma: testDb.db.prisma });
    const fired = alert('UC-A3', 'warning');
    await recordAlerts({ fired: [fired], resolved: [], acknowledged: [] });
    const letter = { alertId: fired.id, attempts: 3, lastError: 'The alert webhook answered 500', at: '2026-11-09T15:00:00.000Z' };
    await recordDeadLetter(letter);
    await recordDeadLetter(letter);
    expect(await testDb.db.prisma.webhookDeadLetter.count({ where: { alertId: fired.id } })).toBe(1);
  });
});

describe('deliverAlertWebhook', () => {
  /** A receiver that answers each request with the next status of the list, keeping what it got. */
  async function receiver(statuses: number[]) {
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = statuses.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
    return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it('posts the alert signed with HMAC-SHA256 over the timestamp and body', async () => {
    const hook = await receiver([204]);
    try {
      const secret = 'a-test-secret-of-at-least-32-characters!';
      const { deliverAlertWebhook } = createCaseActivities({ prisma: testDb.db.prisma, webhook: { url: hook.url, secret } });
      await expect(deliverAlertWebhook(alert('UC-W1', 'warning'))).resolves.toEqual({ status: 204 });
      const [request] = hook.received;
      expect(JSON.parse(request!.body)).toEqual({ type: 'alert.fired', alert: alert('UC-W1', 'warning') });
      const timestamp = request!.headers['x-reunify-timestamp'] as string;
      expect(request!.headers['x-reunify-signature']).toBe(signWebhook(secret, timestamp, request!.body));
      expect(request!.headers['x-reunify-alert-id']).toBe('UC-W1:length_of_stay:warning');
    } finally {
      await hook.close();
    }
  });

  it('a 5xx or 429 is retryable; another 4xx is final', async () => {
    const hook = await receiver([503, 429, 400]);
    try {
      const { deliverAlertWebhook } = createCaseActivities({
        prisma: testDb.db.prisma,
        webhook: { url: hook.url, secret: 's'.repeat(32) },
      });
      for (const [status, retryable] of [
        [503, true],
        [429, true],
        [400, false],
      ] as const) {
        const err = await new MockActivityEnvironment().run(deliverAlertWebhook, alert('UC-W2', 'warning')).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ApplicationFailure);
        expect(err).toMatchObject({
          type: retryable ? CaseFailure.WEBHOOK_UNAVAILABLE : CaseFailure.WEBHOOK_REJECTED,
          nonRetryable: !retryable,
          message: expect.stringContaining(String(status)),
          details: [{ attempt: 1 }],
        });
      }
    } finally {
      await hook.close();
    }
  });
});

import type { CaseCommandRequest } from '../../src/contracts/case-events';
import type { CaseProjection, CaseView } from '../../src/contracts/case-view';
import { caseViewQuery } from '../../src/contracts/messages';
import type { Targets } from '../../src/contracts/targets';
import { DEFAULT_TARGETS } from '../../src/contracts/targets';
import { events } from '../helpers/builders';
import type { CaseHandle, Recorded } from '../helpers/case-workflow-kit';
import { decide, fakeActivities, finished, firedIds, send, toDecision, useCaseWorkflowKit } from '../helpers/case-workflow-kit';
import { eventually } from '../helpers/eventually';
import { uniqueName } from '../helpers/temporal';

jest.setTimeout(120_000);

/**
 * Issue 14's rules in the case workflow, on the time-skipping server: household members and their
 * checks in the view, dated results that expire, appeals acknowledged within business days, and
 * fingerprint appointments. No test here has a refused update (see case-time.test.ts).
 */
const kit = useCaseWorkflowKit();
const DAY = 86_400_000;

/** A calendar of whole UTC days with no holidays: each test closes the days it needs. */
const utcCalendar = (closures: string[]): Targets => ({
  ...DEFAULT_TARGETS,
  businessCalendar: { ...DEFAULT_TARGETS.businessCalendar, name: 'test', timeZone: 'UTC', holidays: [], closures },
});

interface Running {
  handle: CaseHandle;
  recorded: Recorded;
  projected: CaseProjection[];
  caseId: string;
}

async function withCase(run: (c: Running) => Promise<void>, targets?: Targets): Promise<void> {
  const taskQueue = uniqueName('tq');
  const recorded: Recorded = { alerts: [] };
  const projected: CaseProjection[] = [];
  const worker = await kit.createWorker(taskQueue, fakeActivities(projected, { recorded }));
  await worker.runUntil(async () => {
    const handle = await kit.openCase(taskQueue, {}, targets ? { targets: { version: 0, targets } } : {});
    await run({ handle, recorded, projected, caseId: handle.workflowId.replace(/^case-/, '') });
    // Each case ends on its own, its activities done: a run terminated with activities in flight
    // keeps the time-skipping server from skipping time for the tests after it.
    await send(handle, events.depart());
    await finished(handle);
  });
}

/** The view once the case has run what was due and every alert it fired reached the (fake) read model. */
function caughtUp(c: Running): Promise<CaseView> {
  return eventually(
    async () => ({ view: await c.handle.query(caseViewQuery), now: await kit.env.currentTimeMs(), fired: firedIds(c.recorded).length }),
    ({ view, now, fired }) =>
      (view.alerts.nextDeadlineAt === null || Date.parse(view.alerts.nextDeadlineAt) > now) && fired === view.alerts.firedCount,
    'the case to catch up with its deadlines',
  ).then(({ view }) => view);
}

/** Every required check of everyone, pending now, cleared. */
async function clearEveryone(handle: CaseHandle): Promise<CaseView> {
  const view = await handle.query(caseViewQuery);
  const requests: CaseCommandRequest[] = view.people.flatMap((p) =>
    p.removedAt
      ? []
      : p.checks
          .filter((c) => c.required && c.status === 'pending')
          .map((c) => events.clearCheck(c.check, p.role === 'sponsor' ? {} : { person: p.personId })),
  );
  return send(handle, ...requests);
}

/** The next Friday at 15:00 UTC, at least a day after `from`. */
function nextFriday(from: number): number {
  const day = new Date(from + DAY);
  const friday = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + ((5 - day.getUTCDay() + 7) % 7), 15);
  return friday;
}
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

describe('release policy in the case workflow (time-skipping server)', () => {
  it("household members: numbered, each person's checks in the view, and each transition and projection says whose check", async () => {
    await withCase(async (c) => {
      await send(c.handle, events.completeIntake(), events.identifySponsor('1'), events.completeAssessment());
      const added = await send(c.handle, events.addMember('household_member', 'HH-4471'), events.addMember('alternate_caregiver'));
      expect(added.people.map((p) => [p.personId, p.role, p.reference])).toEqual([
        ['sp-1', 'sponsor', null],
        ['hm-1', 'household_member', 'HH-4471'],
        ['hm-2', 'alternate_caregiver', null],
      ]);
      const obtainedAt = new Date((await kit.env.currentTimeMs()) - DAY).toISOString();
      const entered = await send(c.handle, events.clearCheck('public_records', { person: 'hm-1', obtainedAt, source: 'VND-88213' }));
      expect(entered.people[1]?.checks.find((x) => x.check === 'public_records')).toMatchObject({
        status: 'cleared',
        result: { outcome: 'cleared', obtainedAt, enteredBy: 'cm-ana', source: 'VND-88213' },
        expiresAt: new Date(Date.parse(obtainedAt) + 90 * DAY).toISOString(),
      });
      expect(entered.transitions.at(-1)).toMatchObject({
        event: 'CLEAR_CHECK',
        subject: { sponsorId: 'sp-1', personId: 'hm-1', check: 'public_records' },
      });
      await clearEveryone(c.handle);
      expect((await send(c.handle, events.completeVetting())).status).toBe('recommendation');
      await eventually(
        () => c.projected.flatMap((p) => p.transitions),
        (ts) => ts.some((t) => t.subject?.personId === 'hm-2' && t.subject.check === 'fbi_fingerprint'),
        "the projection of hm-2's fingerprint result, with its subject",
      );
    });
  });

  it('a result that expires: warned 14 days before, escalated on the day; then it blocks the approval, named; a new result clears it', async () => {
    await withCase(async (c) => {
      await send(c.handle, events.completeIntake(), events.identifySponsor('1'), events.completeAssessment());
      const start = await kit.env.currentTimeMs();
      const obtainedAt = new Date(start - 70 * DAY).toISOString();
      const expiresAt = Date.parse(obtainedAt) + 90 * DAY;
      await send(c.handle, events.clearCheck('public_records', { obtainedAt }));
      await clearEveryone(c.handle);
      await send(c.handle, events.completeVetting(), events.recommend());
      const chain = `${c.caseId}:result.sp-1.public_records.${Date.parse(obtainedAt)}`;
      await kit.sleepUntil(expiresAt - 14 * DAY + 60_000);
      await caughtUp(c);
      expect(firedIds(c.recorded).filter((id) => id.startsWith(chain))).toEqual([`${chain}:warning`]);
      await kit.sleepUntil(expiresAt + 60_000);
      const expired = await caughtUp(c);
      expect(firedIds(c.recorded).filter((id) => id.startsWith(chain))).toEqual([`${chain}:warning`, `${chain}:escalation-0`]);
      expect(expired.checks?.public_records).toBe('expired');
      const refused = await decide(c.handle, events.approve());
      expect(refused.refusedSignals.at(-1)?.message).toBe(
        `ORR cannot approve while checks are open: public_records of sp-1 (expired on ${isoDay(expiresAt)}).`,
      );
      const renewed = await send(c.handle, events.clearCheck('public_records', { source: 'VND-90001' }));
      expect(renewed.status).toBe('release_decision');
      // The old result's alerts are resolved: the case has moved past them.
      await eventually(
        () => c.recorded.alerts.flatMap((r) => r.resolved.map((x) => x.alertId)),
        (ids) => ids.includes(`${chain}:escalation-0`),
        "the expired result's escalation to be resolved",
      );
      expect((await decide(c.handle, events.approve())).status).toBe('release_approved');
    });
  });

  it('an appeal filed on a Friday is acknowledged within 5 business days: the weekend and a closed Monday skipped', async () => {
    const friday = nextFriday(await kit.env.currentTimeMs());
    const midnight = Date.UTC(new Date(friday).getUTCFullYear(), new Date(friday).getUTCMonth(), new Date(friday).getUTCDate());
    const closedMonday = isoDay(midnight + 3 * DAY);
    await withCase(
      async (c) => {
        await toDecision(c.handle, '1');
        await decide(c.handle, events.decide('deny'));
        await kit.sleepUntil(friday);
        const filed = await send(c.handle, events.fileAppeal());
        // Tuesday, Wednesday, Thursday, Friday and the next Monday: due by the end of it, in UTC.
        expect(filed.appeals[0]).toMatchObject({
          id: 'ap-1',
          sponsorId: 'sp-1',
          acknowledgeBy: new Date(midnight + 11 * DAY).toISOString(),
        });
        expect(filed.transitions.at(-1)).toMatchObject({
          event: 'FILE_APPEAL',
          actor: { role: 'appeal_reviewer' },
          subject: { sponsorId: 'sp-1', appealId: 'ap-1' },
        });
        const chain = `${c.caseId}:appeal.ap-1.acknowledgement`;
        await kit.sleepUntil(midnight + 8 * DAY - 60_000);
        await caughtUp(c);
        expect(firedIds(c.recorded).filter((id) => id.startsWith(chain))).toEqual([]);
        await kit.sleepUntil(midnight + 8 * DAY + 60_000);
        await caughtUp(c);
        expect(firedIds(c.recorded).filter((id) => id.startsWith(chain))).toEqual([`${chain}:warning`]);
        await kit.sleepUntil(midnight + 11 * DAY + 60_000);
        const late = await caughtUp(c);
        expect(late.alerts.open.find((a) => a.id === `${chain}:escalation-0`)).toMatchObject({
          dueAt: new Date(midnight + 11 * DAY).toISOString(),
          message: `${c.caseId}: Receipt not acknowledged for appeal ap-1 (sponsor sp-1): due by the end of ${isoDay(midnight + 10 * DAY)}, 5 business days after filing.`,
        });
        await send(c.handle, events.acknowledgeAppeal('ap-1'));
        await eventually(
          () => c.handle.query(caseViewQuery),
          (view) => view.alerts.open.every((a) => a.chain !== 'appeal.ap-1.acknowledgement'),
          'the acknowledgement alerts to be resolved',
        );
        // Granted: back to the ORR decision for that sponsor, their checks as they were.
        const granted = await send(c.handle, events.decideAppeal('granted'));
        expect(granted).toMatchObject({ status: 'release_decision', sponsorId: 'sp-1', decision: null });
        expect(granted.checks?.identity).toBe('cleared');
      },
      utcCalendar([closedMonday]),
    );
  });

  it('fingerprint appointments are due within 3 business days of vetting: from a Friday, by the end of Wednesday; booking one ends the deadline', async () => {
    const friday = nextFriday(await kit.env.currentTimeMs());
    const midnight = Date.UTC(new Date(friday).getUTCFullYear(), new Date(friday).getUTCMonth(), new Date(friday).getUTCDate());
    await withCase(async (c) => {
      await send(c.handle, events.completeIntake(), events.identifySponsor('2B'));
      await kit.sleepUntil(friday);
      await send(c.handle, events.completeAssessment());
      const chain = `${c.caseId}:fingerprints.sp-1.`;
      await kit.sleepUntil(midnight + 5 * DAY + 60_000);
      await caughtUp(c);
      expect(firedIds(c.recorded).filter((id) => id.startsWith(chain))).toEqual([expect.stringMatching(/:warning$/)]);
      await kit.sleepUntil(midnight + 6 * DAY + 60_000);
      const late = await caughtUp(c);
      expect(late.alerts.open.find((a) => a.id.startsWith(chain) && a.kind === 'escalation')?.dueAt).toBe(
        new Date(midnight + 6 * DAY).toISOString(),
      );
      await send(c.handle, events.scheduleFingerprints(new Date(midnight + 7 * DAY).toISOString()));
      await eventually(
        () => c.handle.query(caseViewQuery),
        (view) => view.alerts.open.every((a) => !a.id.startsWith(chain)),
        'the fingerprint alerts to be resolved once an appointment is booked',
      );
    }, utcCalendar([]));
  });
});

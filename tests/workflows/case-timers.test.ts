import type { Worker } from '@temporalio/worker';

import type { CaseActivities } from '../../src/activities/case-activities';
import type { CaseView } from '../../src/contracts/case-view';
import { acknowledgeAlertUpdate, caseViewQuery, targetsChangedSignal } from '../../src/contracts/messages';
import type { VersionedTargets } from '../../src/contracts/targets';
import { DEFAULT_TARGETS } from '../../src/contracts/targets';
import { events } from '../helpers/builders';
import type { CaseHandle, Recorded } from '../helpers/case-workflow-kit';
import { clearChecks, decide, fakeActivities, firedIds, send, useCaseWorkflowKit } from '../helpers/case-workflow-kit';
import { eventually } from '../helpers/eventually';
import { uniqueName } from '../helpers/temporal';

jest.setTimeout(120_000);

/**
 * Length-of-stay timers on the time-skipping server: days pass in milliseconds. Each test opens a
 * case admitted at the server's current time and moves the clock with `env.sleep`.
 */
const kit = useCaseWorkflowKit();
const DAY = 86_400_000;
const supervisor = { id: 'sup-carla', role: 'supervisor' } as const;

interface Running {
  handle: CaseHandle;
  recorded: Recorded;
  activities: CaseActivities;
  admittedAt: number;
  /** Moves the server clock to `days` after admission, then waits until the case has caught up. */
  at(days: number): Promise<CaseView>;
  /** Ids fired so far for one rule or chain prefix (e.g. 'length_of_stay'). */
  fired(prefix: string): string[];
}

interface CaseSetup {
  open?: Parameters<typeof kit.openCase>[1];
  worker?: Partial<Parameters<typeof kit.createWorker>[2]>;
  /** Targets the read model holds when the case opens (the case itself starts on the defaults). */
  savedTargets?: VersionedTargets;
}

async function withCase(run: (c: Running) => Promise<void>, setup: CaseSetup = {}): Promise<void> {
  const taskQueue = uniqueName('tq');
  const recorded: Recorded = { alerts: [] };
  const activities = fakeActivities([], { recorded, ...(setup.savedTargets ? { savedTargets: setup.savedTargets } : {}) });
  const worker = await kit.createWorker(taskQueue, activities, setup.worker);
  const admittedAt = await kit.env.currentTimeMs();
  await worker.runUntil(async () => {
    const handle = await kit.openCase(taskQueue, { admittedAt: new Date(admittedAt).toISOString(), ...setup.open });
    await run(running(handle, recorded, activities, admittedAt));
  });
}

function running(handle: CaseHandle, recorded: Recorded, activities: CaseActivities, admittedAt: number): Running {
  return {
    handle,
    recorded,
    activities,
    admittedAt,
    async at(days) {
      const target = admittedAt + days * DAY;
      const now = await kit.env.currentTimeMs();
      if (target > now) await kit.env.sleep(target - now);
      return caughtUp(handle, recorded);
    },
    fired: (prefix) => firedIds(recorded).filter((id) => id.startsWith(`${handle.workflowId.replace(/^case-/, '')}:${prefix}`)),
  };
}

/**
 * The view once the case has caught up with the clock: its next deadline is ahead (so it has run
 * the timer that was due: the time-skipping server reports no pending workflow task), no activity
 * is running, and every alert it fired and every acknowledgement has reached the (fake) read model.
 * A condition, not an allowance of real time: a busy machine only makes it later.
 */
async function caughtUp(handle: CaseHandle, recorded: Recorded): Promise<CaseView> {
  const { view } = await eventually(
    async () => {
      const [view, now, { raw }] = await Promise.all([handle.query(caseViewQuery), kit.env.currentTimeMs(), handle.describe()]);
      const recordedCount = { fired: firedIds(recorded).length, acknowledged: recorded.alerts.flatMap((r) => r.acknowledged).length };
      return { view, now, activities: raw.pendingActivities?.length ?? 0, recordedCount };
    },
    ({ view, now, activities, recordedCount }) =>
      (view.alerts.nextDeadlineAt === null || Date.parse(view.alerts.nextDeadlineAt) > now) &&
      activities === 0 &&
      recordedCount.fired === view.alerts.firedCount &&
      recordedCount.acknowledged === view.alerts.acknowledgements.length,
    `case ${handle.workflowId} to catch up with its deadlines`,
    60_000,
  );
  return view;
}

describe('length-of-stay timers (time-skipping server)', () => {
  it('a Category 1 case left idle: warning on day 7, escalation on day 10, a repeat on day 13, each once', async () => {
    await withCase(async (c) => {
      await send(c.handle, events.completeIntake(), events.identifySponsor('1'), events.completeAssessment());
      await c.at(6.9);
      expect(c.fired('length_of_stay')).toEqual([]);
      const day7 = await c.at(7.01);
      expect(c.fired('length_of_stay')).toEqual([`${day7.caseId}:length_of_stay:warning`]);
      await c.at(10.01);
      await c.at(13.01);
      expect(c.fired('length_of_stay')).toEqual([
        `${day7.caseId}:length_of_stay:warning`,
        `${day7.caseId}:length_of_stay:escalation-0`,
        `${day7.caseId}:length_of_stay:escalation-1`,
      ]);
      const view = await c.at(13.5);
      const escalation = view.alerts.open.find((a) => a.id.endsWith('length_of_stay:escalation-0'))!;
      expect(escalation).toMatchObject({ level: 'supervisor', sponsorCategory: '1', careProviderId: 'shelter-tx-07' });
      expect(Date.parse(escalation.dueAt)).toBe(c.admittedAt + 10 * DAY);
      // The vetting stage (5 days) was missed too, separately.
      expect(c.fired('stage.vetting')).toContain(`${view.caseId}:stage.vetting.3:escalation-0`);
    });
  });

  it('released on day 9: no length-of-stay escalation; the follow-up call is due on release + 30 days, overdue at + 37', async () => {
    await withCase(async (c) => {
      await send(c.handle, events.completeIntake(), events.identifySponsor('1'), events.completeAssessment());
      await c.at(9);
      await clearChecks(c.handle);
      await send(c.handle, events.completeVetting(), events.recommend());
      await decide(c.handle, events.approve());
      const released = await send(c.handle, events.releaseChild());
      const caseId = released.caseId;
      await c.at(12);
      expect(c.fired('length_of_stay')).toEqual([`${caseId}:length_of_stay:warning`]);
      // The warning was resolved when the child left care.
      expect(c.recorded.alerts.flatMap((r) => r.resolved.map((x) => x.alertId))).toContain(`${caseId}:length_of_stay:warning`);
      await c.at(9 + 29.9);
      expect(c.fired('follow_up')).toEqual([]);
      await c.at(9 + 30.01);
      expect(c.fired('follow_up')).toEqual([`${caseId}:follow_up:warning`]);
      const overdue = await c.at(9 + 37.01);
      expect(c.fired('follow_up')).toEqual([`${caseId}:follow_up:warning`, `${caseId}:follow_up:escalation-0`]);
      expect(overdue.alerts.open.map((a) => a.id).sort()).toEqual([`${caseId}:follow_up:escalation-0`, `${caseId}:follow_up:warning`]);
    });
  });

  it('a stage target missed while the total is fine: Category 3 (30 days) held 5 days in vetting', async () => {
    await withCase(
      async (c) => {
        await send(c.handle, events.completeIntake(), events.identifySponsor('3'), events.completeAssessment());
        const view = await c.at(5.01);
        expect(c.fired('stage.vetting')).toEqual([`${view.caseId}:stage.vetting.3:warning`, `${view.caseId}:stage.vetting.3:escalation-0`]);
        expect(c.fired('length_of_stay')).toEqual([]);
        // Leaving vetting resolves its alerts and stops its repeats.
        await clearChecks(c.handle);
        await send(c.handle, events.completeVetting());
        await c.at(9);
        expect(c.fired('stage.vetting')).toHaveLength(2);
      },
      { open: { child: { birthDate: '2012-01-01' } } },
    );
  });

  it('age-out: a warning 60 days before the 18th birthday, the plan deadline at 14 days', async () => {
    const now = new Date(await kit.env.currentTimeMs());
    const birthday = new Date(Date.UTC(now.getUTCFullYear() - 18, now.getUTCMonth(), now.getUTCDate() + 70));
    await withCase(
      async (c) => {
        await send(c.handle, events.completeIntake());
        const birthdayMs = Date.UTC(birthday.getUTCFullYear() + 18, birthday.getUTCMonth(), birthday.getUTCDate());
        const warnDay = (birthdayMs - 60 * DAY - c.admittedAt) / DAY;
        await c.at(warnDay - 0.1);
        expect(c.fired('age_out')).toEqual([]);
        const view = await c.at(warnDay + 0.01);
        expect(c.fired('age_out')).toEqual([`${view.caseId}:age_out:warning`]);
        await c.at(warnDay + 46.01);
        expect(c.fired('age_out')).toEqual([`${view.caseId}:age_out:warning`, `${view.caseId}:age_out:escalation-0`]);
      },
      { open: { child: { birthDate: birthday.toISOString().slice(0, 10) } } },
    );
  });

  it('a target changed mid-case applies at once: Category 1 at 20 days moves the warning from day 7 to day 14', async () => {
    await withCase(async (c) => {
      await send(c.handle, events.completeIntake(), events.identifySponsor('1'), events.completeAssessment());
      await c.at(5);
      const targets = { ...DEFAULT_TARGETS, lengthOfStayDays: { ...DEFAULT_TARGETS.lengthOfStayDays, '1': 20 } };
      await c.handle.signal(targetsChangedSignal, { version: 1, targets });
      // An older version sent late is ignored.
      await c.handle.signal(targetsChangedSignal, { version: 0, targets: DEFAULT_TARGETS });
      const view = await c.at(8);
      expect(view.alerts.targetsVersion).toBe(1);
      expect(c.fired('length_of_stay')).toEqual([]);
      await c.at(14.01);
      expect(c.fired('length_of_stay')).toEqual([`${view.caseId}:length_of_stay:warning`]);
    });
  });

  it('targets saved while the case was starting (the broadcast missed it) catch up at its next write', async () => {
    const longer = { ...DEFAULT_TARGETS, lengthOfStayDays: { ...DEFAULT_TARGETS.lengthOfStayDays, '1': 20 } };
    await withCase(
      async (c) => {
        await send(c.handle, events.completeIntake(), events.identifySponsor('1'), events.completeAssessment());
        // The case started on the defaults (version 0); its first projection reported version 3.
        const view = await c.at(8);
        expect(view.alerts.targetsVersion).toBe(3);
        expect(c.activities.loadTargets).toHaveBeenCalledTimes(1);
        // Category 1 at 20 days: no warning on day 7, one on day 14.
        expect(c.fired('length_of_stay')).toEqual([]);
        await c.at(14.01);
        expect(c.fired('length_of_stay')).toEqual([`${view.caseId}:length_of_stay:warning`]);
      },
      { savedTargets: { version: 3, targets: longer } },
    );
  });

  it('a denial does not stop the clock: the stay is still measured against the last sponsor category', async () => {
    await withCase(async (c) => {
      await send(c.handle, events.completeIntake(), events.identifySponsor('1'), events.completeAssessment());
      await clearChecks(c.handle);
      await send(c.handle, events.completeVetting(), events.recommend());
      await c.at(5);
      const denied = await decide(c.handle, events.decide('deny'));
      expect(denied.status).toBe('sponsor_identification');
      await c.at(7.01);
      expect(c.fired('length_of_stay')).toEqual([`${denied.caseId}:length_of_stay:warning`]);
      // Back in sponsor identification on day 5: that target counts from then (warning day 7.1), not from
      // admission (which would have fired warning and escalation at once on day 5).
      expect(c.fired('stage.sponsor_identified')).toEqual([]);
      const seq = denied.transitions.at(-1)!.seq;
      await c.at(7.2);
      expect(c.fired('stage.sponsor_identified')).toEqual([`${denied.caseId}:stage.sponsor_identified.${seq}:warning`]);
    });
  });

  it('a worker restart between the warning and the escalation: exactly one of each', async () => {
    const taskQueue = uniqueName('tq');
    const recorded: Recorded = { alerts: [] };
    const admittedAt = await kit.env.currentTimeMs();
    let handle!: CaseHandle;
    // No workflow cache on the first worker (see case-workflow.test.ts): the second rebuilds by replay.
    const firstActivities = fakeActivities([], { recorded });
    const first: Worker = await kit.createWorker(taskQueue, firstActivities, { maxCachedWorkflows: 0 });
    await first.runUntil(async () => {
      handle = await kit.openCase(taskQueue, { admittedAt: new Date(admittedAt).toISOString() });
      await send(handle, events.completeIntake(), events.identifySponsor('1'), events.completeAssessment());
      await running(handle, recorded, firstActivities, admittedAt).at(7.5);
    });
    const secondActivities = fakeActivities([], { recorded });
    const second = await kit.createWorker(taskQueue, secondActivities);
    await second.runUntil(async () => {
      const c = running(handle, recorded, secondActivities, admittedAt);
      await c.at(10.5);
      const caseId = handle.workflowId.replace(/^case-/, '');
      expect(c.fired('length_of_stay')).toEqual([`${caseId}:length_of_stay:warning`, `${caseId}:length_of_stay:escalation-0`]);
      // Nothing was fired twice, of any rule.
      const all = firedIds(recorded);
      expect(new Set(all).size).toBe(all.length);
    });
  });

  it('an acknowledgement stops the repeats at its level until the next level', async () => {
    await withCase(async (c) => {
      await send(c.handle, events.completeIntake(), events.identifySponsor('1'), events.completeAssessment());
      const view = await c.at(10.5);
      // Acknowledging the warning silences nothing: a warning has no repeats.
      await c.handle.executeUpdate(acknowledgeAlertUpdate, {
        args: [{ alertId: `${view.caseId}:length_of_stay:warning`, actor: supervisor }],
      });
      await c.at(13.01);
      expect(c.fired('length_of_stay')).toContain(`${view.caseId}:length_of_stay:escalation-1`);
      const alertId = `${view.caseId}:length_of_stay:escalation-0`;
      const ack = await c.handle.executeUpdate(acknowledgeAlertUpdate, {
        args: [{ alertId, actor: supervisor, note: 'Calling the sponsor today' }],
      });
      expect(ack).toMatchObject({ alertId, actor: supervisor, note: 'Calling the sponsor today' });
      const again = await c.handle
        .executeUpdate(acknowledgeAlertUpdate, { args: [{ alertId, actor: supervisor }] })
        .catch((e: Error & { cause?: Error }) => e.cause?.message);
      expect(again).toBe(`Alert ${alertId} is already acknowledged.`);
      await c.at(18.9);
      // Repeat 2 (day 16) was the supervisor's: silenced.
      expect(c.fired('length_of_stay')).toEqual([
        `${view.caseId}:length_of_stay:warning`,
        alertId,
        `${view.caseId}:length_of_stay:escalation-1`,
      ]);
      const later = await c.at(19.01);
      const third = later.alerts.open.find((a) => a.id === `${view.caseId}:length_of_stay:escalation-3`);
      expect(third).toMatchObject({ level: 'program_lead' });
      expect(c.recorded.alerts.flatMap((r) => r.acknowledged.map((a) => a.alertId))).toEqual([
        `${view.caseId}:length_of_stay:warning`,
        alertId,
      ]);
    });
  });
});

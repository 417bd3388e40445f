import type { WorkflowUpdateFailedError } from '@temporalio/client';

import { caseViewQuery } from '../../src/contracts/messages';
import { events } from '../helpers/builders';
import type { Recorded } from '../helpers/case-workflow-kit';
import { fakeActivities, finished, firedIds, send, useCaseWorkflowKit } from '../helpers/case-workflow-kit';
import { eventually } from '../helpers/eventually';
import { uniqueName } from '../helpers/temporal';

jest.setTimeout(60_000);

/**
 * Rules that turn on the passing of time, on a server of their own: the time-skipping test server
 * can stop skipping time for good once a run with a rejected update is terminated
 * (temporalio/sdk-java#3088 and relatives), which other files do between tests.
 */
const kit = useCaseWorkflowKit();
const DAY = 86_400_000;

// The test with a refused update comes last: see above.
describe('case workflow: time', () => {
  async function scenario(
    run: (handle: Awaited<ReturnType<typeof kit.openCase>>, recorded: Recorded) => Promise<void>,
    overrides = {},
  ): Promise<void> {
    const taskQueue = uniqueName('tq');
    const recorded: Recorded = { alerts: [] };
    const worker = await kit.createWorker(taskQueue, fakeActivities([], { recorded }));
    await worker.runUntil(async () => run(await kit.openCase(taskQueue, overrides), recorded));
  }

  it('age-out with no plan recorded closes the same way and says so', async () => {
    const now = new Date(await kit.env.currentTimeMs());
    const birthday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 2);
    const birthDate = new Date(Date.UTC(now.getUTCFullYear() - 18, now.getUTCMonth(), now.getUTCDate() + 2)).toISOString().slice(0, 10);
    await scenario(
      async (handle) => {
        await send(handle, events.completeIntake());
        await kit.env.sleep(birthday + 60_000 - (await kit.env.currentTimeMs()));
        const closed = await finished(handle);
        expect(closed).toMatchObject({ closure: 'aged_out', ageOutPlan: null });
        expect(closed.transitions.at(-1)?.reason).toBe(
          `Turned 18 on ${new Date(birthday).toISOString().slice(0, 10)}; no post-18 plan was recorded`,
        );
      },
      { child: { birthDate } },
    );
  });

  it('age-out: refused before the 18th birthday; on it the case closes by itself, by the system, with its post-18 plan', async () => {
    // The test server's clock starts at the real time; the child turns 18 twenty days from now.
    const now = new Date(await kit.env.currentTimeMs());
    const birthday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 20);
    const birthDate = new Date(Date.UTC(now.getUTCFullYear() - 18, now.getUTCMonth(), now.getUTCDate() + 20)).toISOString().slice(0, 10);
    await scenario(
      async (handle, recorded) => {
        const caseId = handle.workflowId.replace(/^case-/, '');
        await send(handle, events.completeIntake(), events.identifySponsor('2A'));
        const early = await send(handle, events.ageOut()).catch((e: WorkflowUpdateFailedError) => e);
        expect((early as WorkflowUpdateFailedError).cause?.message).toMatch(/^The child is 17; AGE_OUT applies from the 18th birthday, /);
        // The plan is due 14 days before the birthday: that alert stays.
        await kit.env.sleep(birthday - 13 * DAY - (await kit.env.currentTimeMs()));
        await eventually(
          async () => firedIds(recorded),
          (ids) => ids.includes(`${caseId}:age_out:escalation-0`),
          'the post-18 plan alert, 14 days before the birthday',
        );
        const planned = await send(handle, events.recordAgeOutPlan('Transitional housing; adult sponsor contacted'));
        expect(planned.ageOutPlan).toMatchObject({ plan: 'Transitional housing; adult sponsor contacted', by: 'cm-ana' });
        // Nothing is asked of the age-out target once the plan is in: its alerts are resolved.
        await eventually(
          () => handle.query(caseViewQuery),
          (view) => view.alerts.open.every((a) => a.rule !== 'age_out'),
          'the age-out alerts to be resolved once the plan is recorded',
        );

        await kit.env.sleep(birthday + 60_000 - (await kit.env.currentTimeMs()));
        const closed = await finished(handle);
        expect(closed).toMatchObject({ status: 'closed', closure: 'aged_out' });
        // On the birthday's timer: at midnight UTC, give or take the workflow task.
        expect(Date.parse(closed.closedAt!) - birthday).toBeGreaterThanOrEqual(0);
        expect(Date.parse(closed.closedAt!) - birthday).toBeLessThan(60_000);
        expect(closed.ageOutPlan?.plan).toBe('Transitional housing; adult sponsor contacted');
        expect(closed.transitions.at(-1)).toMatchObject({
          event: 'AGE_OUT',
          fromStatus: 'application',
          toStatus: 'closed',
          actor: { id: 'reunify', role: 'system' },
          reason: `Turned 18 on ${new Date(birthday).toISOString().slice(0, 10)}; the post-18 plan recorded on ${planned.ageOutPlan!.at.slice(0, 10)} applies`,
          requestId: null,
        });
        expect(closed.allowedEvents).toEqual({});
      },
      { child: { birthDate } },
    );
  });
});

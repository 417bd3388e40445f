import type { WorkflowUpdateFailedError } from '@temporalio/client';

import { events } from '../helpers/builders';
import { fakeActivities, finished, send, useCaseWorkflowKit } from '../helpers/case-workflow-kit';
import { uniqueName } from '../helpers/temporal';

jest.setTimeout(60_000);

/**
 * Rules that turn on the passing of time, on a server of their own: the time-skipping test server
 * can stop skipping time for good once a run with a rejected update is terminated
 * (temporalio/sdk-java#3088 and relatives), which other files do between tests.
 */
const kit = useCaseWorkflowKit();

describe('case workflow: time', () => {
  async function scenario(run: (handle: Awaited<ReturnType<typeof kit.openCase>>) => Promise<void>, overrides = {}): Promise<void> {
    const taskQueue = uniqueName('tq');
    const worker = await kit.createWorker(taskQueue, fakeActivities([]));
    await worker.runUntil(async () => run(await kit.openCase(taskQueue, overrides)));
  }

  it('age-out: refused before the 18th birthday, accepted after it; the case closes', async () => {
    // The test server's clock starts at the real time; the child turns 18 three days from now.
    const now = new Date();
    const birthday = new Date(Date.UTC(now.getUTCFullYear() - 18, now.getUTCMonth(), now.getUTCDate() + 3));
    const birthDate = birthday.toISOString().slice(0, 10);
    await scenario(
      async (handle) => {
        await send(handle, events.completeIntake(), events.identifySponsor('2A'));
        const early = await send(handle, events.ageOut()).catch((e: WorkflowUpdateFailedError) => e);
        expect((early as WorkflowUpdateFailedError).cause?.message).toMatch(/^The child is 17; AGE_OUT applies from the 18th birthday, /);
        await kit.env.sleep('4 days');
        const closed = await send(handle, events.ageOut());
        expect(closed).toMatchObject({ status: 'closed', closed: true, closure: 'aged_out' });
        const result = await finished(handle);
        expect(result.closure).toBe('aged_out');
      },
      { child: { birthDate } },
    );
  });
});

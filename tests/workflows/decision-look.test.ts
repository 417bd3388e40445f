import { join } from 'node:path';

import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DefaultLogger, Worker, bundleWorkflowCode } from '@temporalio/worker';

import { decisionLookOf } from '../../src/contracts/case-view';
import { caseDecisionQuery, caseViewQuery, releaseDecisionSignal } from '../../src/contracts/messages';
import { temporalCaseWorkflows } from '../../src/services/case-workflows';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../src/worker/workflow-bundle';
import { decisionSignal, events } from '../helpers/builders';
import type { CaseHandle } from '../helpers/case-workflow-kit';
import { fakeActivities, toDecision, useCaseWorkflowKit } from '../helpers/case-workflow-kit';
import { eventually } from '../helpers/eventually';
import { uniqueName } from '../helpers/temporal';

jest.setTimeout(120_000);

/**
 * Issue 18: around a reviewer's decision the API reads a small look at the case (the `caseDecision`
 * query) instead of the whole view, before the signal and while it waits for the outcome. The look
 * says what the view says; a worker from before the query is read through the view instead.
 */
const kit = useCaseWorkflowKit();
/** The case's own id, as the case says it. */
const caseIdOf = async (handle: CaseHandle): Promise<string> => (await handle.query(caseViewQuery)).caseId;

function gateway(taskQueue: string) {
  return temporalCaseWorkflows({ temporal: kit.env.client, taskQueue, workerWaitMs: 10_000 });
}

describe('the decision look', () => {
  it('says what the view says: whether the case takes a decision now, then what it made of each decision', async () => {
    const taskQueue = uniqueName('tq');
    const worker = await kit.createWorker(taskQueue, fakeActivities([]));
    await worker.runUntil(async () => {
      const handle = await kit.openCase(taskQueue);
      const workflows = gateway(taskQueue);
      const caseId = await caseIdOf(handle);

      // In intake no decision is taken: the look says so, as the view does.
      const early = await handle.query(caseDecisionQuery, null);
      expect(early).toEqual(decisionLookOf(await handle.query(caseViewQuery), null));
      expect(early).toMatchObject({ status: 'intake', closed: false, applied: null, refused: null });
      expect(early.allowedEvents.orr_reviewer ?? []).not.toContain('DECIDE_RELEASE');

      // A decision signalled too early is refused by the case, and the look says why.
      const tooEarly = decisionSignal(events.approve());
      await handle.signal(releaseDecisionSignal, tooEarly);
      const refused = await eventually(
        () => workflows.lookAtDecision(caseId, tooEarly.requestId),
        (look) => look !== undefined && look.refused !== null,
        'the early decision refused',
      );
      expect(refused?.applied).toBeNull();
      expect(refused?.refused).toMatchObject({ requestId: tooEarly.requestId });
      expect(refused).toEqual(decisionLookOf(await handle.query(caseViewQuery), tooEarly.requestId));

      await toDecision(handle, '1');
      const ready = await workflows.lookAtDecision(caseId, null);
      expect(ready).toMatchObject({ status: 'release_decision', applied: null, refused: null });
      expect(ready?.allowedEvents.orr_reviewer).toContain('DECIDE_RELEASE');

      const approval = decisionSignal(events.approve());
      await handle.signal(releaseDecisionSignal, approval);
      const applied = await eventually(
        () => workflows.lookAtDecision(caseId, approval.requestId),
        (look) => look !== undefined && look.applied !== null,
        'the approval applied',
      );
      expect(applied).toMatchObject({ status: 'release_approved', refused: null });
      expect(applied?.applied).toMatchObject({ event: 'DECIDE_RELEASE', toStatus: 'release_approved', requestId: approval.requestId });
      expect(applied).toEqual(decisionLookOf(await handle.query(caseViewQuery), approval.requestId));
    });
  });

  it('is read through the view from a worker that does not know the query', async () => {
    const bundle: WorkflowBundleWithSourceMap = await bundleWorkflowCode({
      ...WORKFLOW_BUNDLE_OPTIONS,
      logger: new DefaultLogger('WARN'),
      webpackConfigHook: (config) => {
        const alias = (config.resolve?.alias ?? {}) as Record<string, string>;
        const withoutQuery = join(__dirname, '..', 'fixtures', 'workflows', 'without-decision-query.ts');
        return { ...config, resolve: { ...config.resolve, alias: { ...alias, '@temporalio/workflow$': withoutQuery } } };
      },
    });
    const taskQueue = uniqueName('tq');
    const older = await Worker.create({
      connection: kit.env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: fakeActivities([]),
    });
    await older.runUntil(async () => {
      const handle = await kit.openCase(taskQueue);
      await toDecision(handle, '1');
      // The worker indeed does not know it: the query is refused...
      await expect(handle.query(caseDecisionQuery, null)).rejects.toThrow(/caseDecision/);
      // ...and the gateway reads the same look from the view.
      const look = await gateway(taskQueue).lookAtDecision(await caseIdOf(handle), null);
      expect(look).toEqual(decisionLookOf(await handle.query(caseViewQuery), null));
      expect(look).toMatchObject({ status: 'release_decision' });
      expect(look?.allowedEvents.orr_reviewer).toContain('DECIDE_RELEASE');
    });
  });
});

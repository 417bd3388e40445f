import { join } from 'node:path';

import type { WorkflowUpdateFailedError } from '@temporalio/client';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DefaultLogger, Worker, bundleWorkflowCode } from '@temporalio/worker';

import type { CaseCommandRequest } from '../../src/contracts/case-events';
import { caseViewQuery } from '../../src/contracts/messages';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../src/worker/workflow-bundle';
import { SEARCH_ATTRIBUTES_PATCH } from '../../src/workflows/case-search-attributes';
import { DEADLINES_PROJECTED_PATCH, RELEASE_POLICY_2_PATCH } from '../../src/workflows/case-workflow';
import { BATCHED_PROJECTION_PATCH } from '../../src/workflows/projection-pacing';
import { clearPending, events } from '../helpers/builders';
import type { CaseHandle, Recorded } from '../helpers/case-workflow-kit';
import { decide, fakeActivities, finished, send, toDecision, useCaseWorkflowKit } from '../helpers/case-workflow-kit';
import { eventually } from '../helpers/eventually';
import { uniqueName } from '../helpers/temporal';

jest.setTimeout(120_000);

/**
 * A case already running when issue 14's rules ship finishes on the path it started on. The case is
 * started by a worker whose code predates the patch (the SDK's `patched()` answering false, so no
 * marker is recorded: tests/fixtures/workflows/before-patches.ts), then that worker stops and
 * today's worker takes the case over, replaying its history. The recorded history written by the
 * code before issue 14 (old-rules-adult-approval-open, replay.test.ts) shows that path issues the
 * same commands as that code did.
 */
const kit = useCaseWorkflowKit();
const BEFORE_PATCHES = join(__dirname, '..', 'fixtures', 'workflows', 'before-patches.ts');

let bundleBeforePatches: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundleBeforePatches = await bundleWorkflowCode({
    ...WORKFLOW_BUNDLE_OPTIONS,
    logger: new DefaultLogger('WARN'),
    webpackConfigHook: (config) => {
      const alias = (config.resolve?.alias ?? {}) as Record<string, string>;
      return { ...config, resolve: { ...config.resolve, alias: { ...alias, '@temporalio/workflow$': BEFORE_PATCHES } } };
    },
  });
});

/** The ids of the patches a case's history has markers for. */
async function patchMarkers(handle: CaseHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const data = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
    return data ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id] : [];
  });
}

describe('a case started before issue 14 (patched)', () => {
  it("finishes on its old path under today's worker: no age-out by itself, ORR approves an adult, only the release is refused", async () => {
    const now = new Date(await kit.env.currentTimeMs());
    const birthday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 20);
    const birthDate = new Date(Date.UTC(now.getUTCFullYear() - 18, now.getUTCMonth(), now.getUTCDate() + 20)).toISOString().slice(0, 10);
    const taskQueue = uniqueName('tq');
    const recorded: Recorded = { alerts: [] };

    // The code before the patch opens the case and takes it to the ORR decision.
    const before = await Worker.create({
      connection: kit.env.nativeConnection,
      taskQueue,
      workflowBundle: bundleBeforePatches,
      activities: fakeActivities([], { recorded }),
      // No sticky queue: the case's next task must reach today's worker once this one stops (the
      // test server would hold its clock for a task left on a sticky queue nobody polls).
      maxCachedWorkflows: 0,
    });
    const old = await before.runUntil(async () => {
      const handle = await kit.openCase(taskQueue, { child: { birthDate } });
      expect((await toDecision(handle, '1')).status).toBe('release_decision');
      return handle;
    });
    expect(await patchMarkers(old)).toEqual([]);

    // Today's worker takes over, and opens a case of its own for the same child's birthday.
    const today = await kit.createWorker(taskQueue, fakeActivities([], { recorded }));
    await today.runUntil(async () => {
      const current = await kit.openCase(taskQueue, { child: { birthDate } });
      await send(current, events.completeIntake());
      expect(await patchMarkers(current)).toEqual([
        RELEASE_POLICY_2_PATCH,
        DEADLINES_PROJECTED_PATCH,
        SEARCH_ATTRIBUTES_PATCH,
        BATCHED_PROJECTION_PATCH,
      ]);

      await kit.sleepUntil(birthday + 60_000);
      // Today's rules: the system closes the case on the 18th birthday.
      expect(await finished(current)).toMatchObject({ status: 'closed', closure: 'aged_out' });

      // The old path: still open, the adult approved, only RELEASE_CHILD refused; a case manager ends it.
      const approved = await decide(old, events.approve());
      expect(approved).toMatchObject({ status: 'release_approved', rules: 1 });
      const refused = await send(old, events.releaseChild()).catch((e: WorkflowUpdateFailedError) => e);
      expect((refused as WorkflowUpdateFailedError).cause?.message).toMatch(/18/);
      await send(old, events.ageOut());
      const closed = await finished(old);
      expect(closed).toMatchObject({ status: 'closed', closure: 'aged_out', rules: 1 });
      expect(closed.transitions.at(-1)).toMatchObject({ event: 'AGE_OUT', actor: { role: 'case_manager' } });
      expect(await patchMarkers(old)).toEqual([]);
    });
  });
});

describe('a case whose history grew long before continue-as-new (issue 15)', () => {
  it("rolls over once today's worker takes it, carrying everything, and its old run replays as it ran", async () => {
    const taskQueue = uniqueName('tq');
    const pending: CaseCommandRequest[] = [];
    const before = await Worker.create({
      connection: kit.env.nativeConnection,
      taskQueue,
      workflowBundle: bundleBeforePatches,
      activities: fakeActivities([]),
      maxCachedWorkflows: 0,
    });
    // Under the code before the patch the case passes the limit (40 events) and stays in its first run.
    const handle = await before.runUntil(async () => {
      const opened = await kit.openCase(taskQueue, {}, { historyLimit: 40 });
      const vetting = await send(opened, events.completeIntake(), events.identifySponsor('1'), events.completeAssessment());
      pending.push(...clearPending(vetting.checks));
      // Well past the limit, so that the tasks today's worker replays include long ones.
      while (pending.length > 1 && Number((await opened.describe()).raw.workflowExecutionInfo?.historyLength) < 60) {
        await send(opened, pending.shift()!);
      }
      return opened;
    });
    const first = await handle.describe();
    expect(Number(first.raw.workflowExecutionInfo?.historyLength)).toBeGreaterThanOrEqual(60);
    expect(first.runId).toBe(first.raw.workflowExecutionInfo?.firstRunId);

    // Today's worker replays the long history (no marker: the replayed tasks answer false), then
    // its first live task rolls the case over.
    const today = await kit.createWorker(taskQueue, fakeActivities([]));
    await today.runUntil(async () => {
      const transitions = (await handle.query(caseViewQuery)).transitions.length;
      await send(handle, pending[0]!);
      const later = await eventually(
        () => handle.describe(),
        (d) => d.runId !== first.runId,
        'the long case in a new run',
      );
      expect(later.raw.workflowExecutionInfo?.firstRunId).toBe(first.runId);
      const view = await handle.query(caseViewQuery);
      expect(view.transitions).toHaveLength(transitions + 1);
      // Opened under rules 1 (before issue 14's patch too): the new run keeps them.
      expect(view).toMatchObject({ status: 'vetting', rules: 1 });
    });
  });
});

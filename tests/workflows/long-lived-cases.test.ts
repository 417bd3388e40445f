import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';

import { signalOpenCases } from '../../src/activities/targets-broadcast';
import type { CaseCommandRequest } from '../../src/contracts/case-events';
import { OpenCaseFields } from '../../src/contracts/case-input';
import type { CaseProjection } from '../../src/contracts/case-view';
import { caseWorkflowId } from '../../src/contracts/ids';
import type { CaseWorkflowInput } from '../../src/contracts/messages';
import { caseCommandUpdate, caseViewQuery } from '../../src/contracts/messages';
import { CARE_PROVIDER, CASE_STATUS, SPONSOR_CATEGORY } from '../../src/contracts/search-attributes';
import { DEFAULT_TARGETS } from '../../src/contracts/targets';
import type { caseWorkflow } from '../../src/workflows';
import { events, openCaseRequest } from '../helpers/builders';
import type { CaseHandle, Recorded } from '../helpers/case-workflow-kit';
import { fakeActivities, firedIds, projectedSeqs, send, sendKeyed, useCaseWorkflowKit } from '../helpers/case-workflow-kit';
import { eventually } from '../helpers/eventually';
import { bundleCaseWorkflows, createDevServerEnv, uniqueName } from '../helpers/temporal';

jest.setTimeout(120_000);

/**
 * Issue 15, for cases that live long: a case keeps its search attributes (Temporal's UI and the
 * targets broadcast find cases by them), and continues as new when its history grows long, carrying
 * everything: transitions, alerts (fired, open, due later), idempotency outcomes, targets. A low
 * history limit makes a short case cross it.
 */
const kit = useCaseWorkflowKit();

async function runsOf(handle: WorkflowHandle): Promise<{ runId: string; firstRunId: string }> {
  const { runId, raw } = await handle.describe();
  return { runId, firstRunId: raw.workflowExecutionInfo?.firstRunId ?? '' };
}

/** Every transition reached the read model once, in order, with one revision per projection, across runs. */
async function expectProjectedOnce(handle: WorkflowHandle, projected: CaseProjection[]): Promise<void> {
  const view = await handle.query(caseViewQuery);
  expect(view.transitions.map((t) => t.seq)).toEqual(view.transitions.map((_, i) => i));
  await eventually(
    () => Promise.resolve(projectedSeqs(projected)),
    (seqs) => seqs.length >= view.transitions.length,
    'every transition projected',
  );
  expect(projectedSeqs(projected)).toEqual(view.transitions.map((t) => t.seq));
  expect(projected.map((p) => p.revision)).toEqual(projected.map((_, i) => i + 1));
}

describe('on the time-skipping server', () => {
  it('keeps status, sponsor category and care provider as search attributes as the case moves, and nothing personal', async () => {
    const taskQueue = uniqueName('tq');
    const worker = await kit.createWorker(taskQueue, fakeActivities([]));
    await worker.runUntil(async () => {
      const handle = await kit.openCase(taskQueue, { careProviderId: 'cp-houston' });
      let described = await eventually(
        () => handle.describe(),
        (d) => d.typedSearchAttributes.get(CASE_STATUS) === 'intake',
        'the opening status as a search attribute',
      );
      expect(described.typedSearchAttributes.get(CARE_PROVIDER)).toBe('cp-houston');
      expect(described.typedSearchAttributes.get(SPONSOR_CATEGORY)).toBeUndefined();

      await send(handle, events.completeIntake(), events.identifySponsor('2A'));
      described = await eventually(
        () => handle.describe(),
        (d) => d.typedSearchAttributes.get(CASE_STATUS) === 'application',
        'the status after the sponsor as a search attribute',
      );
      expect(described.typedSearchAttributes.get(SPONSOR_CATEGORY)).toBe('2A');
      const custom = Object.keys(described.searchAttributes).filter((name) => !name.startsWith('Temporal') && name !== 'BuildIds');
      expect(custom.sort()).toEqual(['CareProviderId', 'CaseStatus', 'SponsorCategory']);
    });
  });
});

describe('on the dev server', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    [env, bundle] = await Promise.all([createDevServerEnv(), bundleCaseWorkflows()]);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function withWorker(
    run: (open: (input?: Partial<CaseWorkflowInput>, careProviderId?: string) => Promise<CaseHandle>) => Promise<void>,
    projected: CaseProjection[] = [],
    recorded: Recorded = { alerts: [] },
  ) {
    const taskQueue = uniqueName('tq');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: fakeActivities(projected, { recorded }),
    });
    const opened: CaseHandle[] = [];
    await worker.runUntil(async () => {
      await run(async (input = {}, careProviderId = 'cp-houston') => {
        const caseId = uniqueName('UC');
        const handle = await env.client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
          workflowId: caseWorkflowId(caseId),
          taskQueue,
          // Admitted now: the dev server's clock is the real one.
          args: [
            { ...input, open: OpenCaseFields.parse(openCaseRequest(caseId, { careProviderId, admittedAt: new Date().toISOString() })) },
          ],
        });
        opened.push(handle);
        return handle;
      });
      for (const handle of opened) await handle.terminate('test finished').catch(() => undefined);
    });
  }

  it('lists cases by their search attributes, and the targets broadcast reaches the cases a change moves first', async () => {
    await withWorker(async (open) => {
      const [houston, phoenix] = [await open({}, 'cp-houston'), await open({}, 'cp-phoenix')];
      await send(houston!, events.completeIntake(), events.identifySponsor('2A'));
      await send(phoenix!, events.completeIntake(), events.identifySponsor('1'));
      const mine = new Set([houston!.workflowId, phoenix!.workflowId]);
      const listed = (query: string) => async () => {
        const found: string[] = [];
        for await (const execution of env.client.workflow.list({ query }))
          if (mine.has(execution.workflowId)) found.push(execution.workflowId);
        return found;
      };
      // Visibility follows the workflows a moment later.
      await eventually(listed(`CaseStatus = 'application'`), (found) => found.length === 2, 'both cases listed as in application');
      expect(await listed(`CaseStatus = 'application' AND SponsorCategory = '2A' AND CareProviderId = 'cp-houston'`)()).toEqual([
        houston!.workflowId,
      ]);
      expect(await listed(`SponsorCategory = '1'`)()).toEqual([phoenix!.workflowId]);
      expect(await listed(`CaseStatus = 'intake'`)()).toEqual([]);

      // Category 1's length of stay changes: the Phoenix case is signalled in the first pass, then the rest.
      const previous = { version: 0, targets: DEFAULT_TARGETS };
      const next = { version: 1, targets: { ...DEFAULT_TARGETS, lengthOfStayDays: { ...DEFAULT_TARGETS.lengthOfStayDays, '1': 8 } } };
      const broadcast = await signalOpenCases(env.client, next, previous);
      expect(broadcast.movedFirst).toBe(1);
      expect(broadcast.signalled).toBeGreaterThanOrEqual(2);
      expect(broadcast.byCareProvider['cp-phoenix']).toBeGreaterThanOrEqual(1);
      for (const handle of [houston!, phoenix!]) {
        await eventually(
          () => handle.query(caseViewQuery),
          (view) => view.alerts.targetsVersion === 1,
          'the new targets in the case',
        );
      }
    });
  });

  it('crosses into a new run with Updates in flight, an alert pending and a keyed request retried across it: each once', async () => {
    const projected: CaseProjection[] = [];
    const recorded: Recorded = { alerts: [] };
    // Category 1's stay in seconds: its warning is due 42 s after admission, after the roll-over.
    const targets = {
      version: 0,
      targets: { ...DEFAULT_TARGETS, lengthOfStayDays: { ...DEFAULT_TARGETS.lengthOfStayDays, '1': 60 / 86_400 } },
    };
    await withWorker(
      async (open) => {
        const handle = await open({ historyLimit: 40, targets });
        const { firstRunId } = await runsOf(handle);
        const keyed = (key: string, request: CaseCommandRequest) => sendKeyed(handle, key, request);
        // A keyed intake in the first run.
        const intake = await keyed('key-intake', events.completeIntake());
        expect(intake).toMatchObject({ status: 'sponsor_identification' });
        await send(handle, events.identifySponsor('1'), events.completeAssessment());
        const vetting = await handle.query(caseViewQuery);
        const pending = Object.entries(vetting.checks ?? {}).filter(([, status]) => status === 'pending');
        expect(pending.length).toBeGreaterThan(2);

        // The checks cleared all at once by separate clients while the case rolls over.
        const outcomes = await Promise.allSettled(
          pending.map(([check]) => handle.executeUpdate(caseCommandUpdate, { args: [events.clearCheck(check as never)] })),
        );
        expect(outcomes.map((o) => o.status)).toEqual(pending.map(() => 'fulfilled'));
        const later = await eventually(
          () => runsOf(handle),
          (runs) => runs.runId !== firstRunId,
          'the case in a new run',
        );
        expect(later.firstRunId).toBe(firstRunId);
        const rolledOverAt = Date.now();

        // The first run's keyed request, retried in a later run: the same outcome, applied once.
        const retried = await keyed('key-intake', events.completeIntake());
        expect(retried).toMatchObject({ status: 'vetting' });
        const reused = await keyed('key-intake', events.sponsorWithdrew());
        expect(reused).toBeInstanceOf(ApplicationFailure);
        expect((reused as ApplicationFailure).type).toBe('IdempotencyKeyReused');

        const view = await handle.query(caseViewQuery);
        expect(view.transitions.filter((t) => t.event === 'COMPLETE_INTAKE')).toHaveLength(1);
        expect(view.transitions.filter((t) => t.event === 'CLEAR_CHECK')).toHaveLength(pending.length);
        await expectProjectedOnce(handle, projected);

        // The warning was pending across the roll-over; it fires once, from the new run, when due.
        const warnings = await eventually(
          () => Promise.resolve(recorded.alerts.flatMap((r) => r.fired).filter((a) => a.id.includes('length_of_stay'))),
          (fired) => fired.length > 0,
          'the length-of-stay warning after the roll-over',
          90_000,
        );
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatchObject({ kind: 'warning' });
        expect(Date.parse(warnings[0]!.dueAt)).toBeGreaterThan(rolledOverAt);
        expect(Date.parse(warnings[0]!.firedAt)).toBeGreaterThanOrEqual(Date.parse(warnings[0]!.dueAt));
        const ids = firedIds(recorded);
        expect(new Set(ids).size).toBe(ids.length);
      },
      projected,
      recorded,
    );
  });
});

import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkerOptions, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { Worker as TemporalWorker } from '@temporalio/worker';

import type { CaseActivities } from '../../src/activities/case-activities';
import type { AlertRecord } from '../../src/contracts/alerts';
import type { CaseCommandRequest, ReleaseDecisionRequest, SponsorCategory } from '../../src/contracts/case-events';
import { CaseCommandSchema } from '../../src/contracts/case-events';
import { OpenCaseFields } from '../../src/contracts/case-input';
import type { CaseMove, CaseProjection, CaseView } from '../../src/contracts/case-view';
import { moveOf } from '../../src/contracts/case-view';
import { keyedUpdateId } from '../../src/contracts/idempotency';
import { caseWorkflowId } from '../../src/contracts/ids';
import type { CaseWorkflowInput } from '../../src/contracts/messages';
import { caseCommandOnceUpdate, caseCommandUpdate, caseViewQuery, releaseDecisionSignal } from '../../src/contracts/messages';
import type { VersionedTargets } from '../../src/contracts/targets';
import { DEFAULT_TARGETS } from '../../src/contracts/targets';
import { idempotencyOf } from '../../src/services/idempotency';
import type { caseWorkflow } from '../../src/workflows';
import { clearPending, decisionSignal, events, openCaseRequest } from './builders';
import { eventually } from './eventually';
import { bundleCaseWorkflows, createTimeSkippingEnv, uniqueName } from './temporal';

/** Workflow-test kit: a time-skipping server per test file, workers, and a case driven like its users do. */

export type CaseHandle = WorkflowHandle<typeof caseWorkflow>;

export interface CaseWorkflowKit {
  readonly env: TestWorkflowEnvironment;
  createWorker(taskQueue: string, activities: CaseActivities, options?: Partial<WorkerOptions>): Promise<Worker>;
  /** Opens a case; `input` adds to the workflow input (e.g. the targets it starts on). */
  openCase(
    taskQueue: string,
    overrides?: Parameters<typeof openCaseRequest>[1],
    input?: Omit<CaseWorkflowInput, 'open'>,
  ): Promise<CaseHandle>;
  /** Moves the server's clock to an instant (epoch ms), if it is ahead. */
  sleepUntil(instant: number): Promise<void>;
}

/**
 * Registers the file's hooks: one time-skipping server and workflow bundle for the file, and every
 * case a test opened terminated after it (a case left open would hold back the server's clock).
 */
export function useCaseWorkflowKit(): CaseWorkflowKit {
  let env: TestWorkflowEnvironment | undefined;
  let bundle: WorkflowBundleWithSourceMap;
  const started: CaseHandle[] = [];

  beforeAll(async () => {
    [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleCaseWorkflows()]);
  });
  afterAll(async () => {
    await env?.teardown();
  });
  afterEach(async () => {
    for (const handle of started.splice(0)) await handle.terminate('test finished').catch(() => undefined);
  });

  const kit: CaseWorkflowKit = {
    get env() {
      if (!env) throw new Error('The test server is not up yet: use the kit inside tests');
      return env;
    },
    createWorker: (taskQueue, activities, options = {}) =>
      TemporalWorker.create({ connection: kit.env.nativeConnection, taskQueue, workflowBundle: bundle, activities, ...options }),
    async openCase(taskQueue, overrides = {}, input = {}) {
      const caseId = uniqueName('UC');
      const handle = await kit.env.client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
        workflowId: caseWorkflowId(caseId),
        taskQueue,
        // The fields only: the dates are the workflow's to judge, on the server's clock, which a
        // time-skipping test has moved ahead of this process's.
        args: [{ ...input, open: OpenCaseFields.parse(openCaseRequest(caseId, overrides)) }],
      });
      started.push(handle);
      return handle;
    },
    async sleepUntil(instant) {
      const now = await kit.env.currentTimeMs();
      if (instant > now) await kit.env.sleep(instant - now);
    },
  };
  return kit;
}

/** What fake activities saw: projections, and alert records, in order. */
export interface Recorded {
  alerts: AlertRecord[];
}

export interface FakeActivityOptions {
  /** The first this many projections fail, as a database that is down. */
  failFirst?: number;
  /** Where alert records go. */
  recorded?: Recorded;
  /** Targets the read model holds, saved by an admin (default: none, version 0): projections report their version. */
  savedTargets?: VersionedTargets;
}

/**
 * Fake activities at the boundary: they keep what was projected and every alert record, in order,
 * and answer with the targets version the read model holds. No webhook.
 */
export function fakeActivities(
  projected: CaseProjection[],
  { failFirst = 0, recorded = { alerts: [] }, savedTargets }: FakeActivityOptions = {},
) {
  let calls = 0;
  const saved = savedTargets ?? { version: 0, targets: DEFAULT_TARGETS };
  const activities: CaseActivities = {
    projectCase: jest.fn(async (projection: CaseProjection) => {
      calls += 1;
      if (calls <= failFirst) throw new Error('database unavailable (simulated)');
      projected.push(projection);
      return { lastSeq: Math.max(...projection.transitions.map((t) => t.seq)), ...(savedTargets ? { targetsVersion: saved.version } : {}) };
    }),
    recordAlerts: jest.fn(async (record: AlertRecord) => {
      recorded.alerts.push(record);
      return { webhook: false };
    }),
    deliverAlertWebhook: jest.fn(async () => ({ status: 0 })),
    recordDeadLetter: jest.fn(async () => undefined),
    recordReadModelDeadLetter: jest.fn(async () => undefined),
    signalOpenCases: jest.fn(async () => ({ signalled: 0, movedFirst: 0, byCareProvider: {} })),
    loadTargets: jest.fn(async () => saved),
  };
  return activities;
}

/** Ids of every alert fired, in the order they were recorded. */
export const firedIds = (recorded: Recorded): string[] => recorded.alerts.flatMap((r) => r.fired.map((a) => a.id));

export const projectedSeqs = (projected: CaseProjection[]) => projected.flatMap((p) => p.transitions.map((t) => t.seq));

/** Sends case-manager events in order as Updates; answers the view after the last (an Update answers only the move). */
export async function send(handle: CaseHandle, ...requests: CaseCommandRequest[]): Promise<CaseView> {
  for (const request of requests) await handle.executeUpdate(caseCommandUpdate, { args: [request] });
  return handle.query(caseViewQuery);
}

/** Sends a case manager's event with an Idempotency-Key, as the API does; answers the view or the case's failure. */
export async function sendKeyed(handle: CaseHandle, key: string, request: CaseCommandRequest): Promise<CaseMove | ApplicationFailure> {
  const caseId = handle.workflowId.replace(/^case-/, '');
  const { fingerprint } = idempotencyOf(key, caseId, CaseCommandSchema.parse(request));
  try {
    return moveOf(
      await handle.executeUpdate(caseCommandOnceUpdate, {
        args: [{ key, fingerprint, command: request }],
        updateId: keyedUpdateId(key, fingerprint),
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return err.cause;
    throw err;
  }
}

/** Clears every check the case has pending, as the case manager would once each result is in. */
export async function clearChecks(handle: CaseHandle): Promise<CaseView> {
  const view = await handle.query(caseViewQuery);
  return send(handle, ...clearPending(view.checks));
}

/** A reviewer's decision, by signal; waits until the case has seen it (applied or refused). */
export async function decide(handle: CaseHandle, decision: ReleaseDecisionRequest): Promise<CaseView> {
  const before = await handle.query(caseViewQuery);
  const signal = decisionSignal(decision);
  await handle.signal(releaseDecisionSignal, signal);
  return eventually(
    () => handle.query(caseViewQuery),
    (view) => view.transitions.length > before.transitions.length || view.refusedSignals.length > before.refusedSignals.length,
    `case ${handle.workflowId} to apply or refuse the decision ${signal.requestId} (${decision.decision})`,
  );
}

/** From a new case to the ORR decision with a sponsor of this category, every check cleared. */
export async function toDecision(handle: CaseHandle, category: SponsorCategory): Promise<CaseView> {
  await send(handle, events.completeIntake(), events.identifySponsor(category), events.completeAssessment());
  await clearChecks(handle);
  const recommended = await send(handle, events.completeVetting(), events.recommend());
  return recommended.status === 'third_party_review' ? send(handle, events.review()) : recommended;
}

/**
 * The case's final view, once its workflow has completed. Not `handle.result()`: on the
 * time-skipping server that unlocks time skipping, and the server then leaps to the next timer it
 * knows, which can be a finished run's ten-year run timeout (measured: +3650 days). Children come
 * of age mid-test. The query answers the same view the workflow returned.
 */
export async function finished(handle: CaseHandle): Promise<CaseView> {
  for (let i = 0; i < 600; i += 1) {
    const { status } = await handle.describe();
    if (status.name === 'COMPLETED') return handle.query(caseViewQuery);
    if (status.name !== 'RUNNING') throw new Error(`Case workflow ${handle.workflowId} ended ${status.name}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Case workflow ${handle.workflowId} did not complete within 30 s`);
}

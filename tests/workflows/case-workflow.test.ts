import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkerOptions, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { Worker as TemporalWorker } from '@temporalio/worker';

import type { CaseActivities } from '../../src/activities/case-activities';
import { OpenCaseSchema } from '../../src/contracts/case-input';
import type { CaseProjection } from '../../src/contracts/case-view';
import { CaseFailure } from '../../src/contracts/failures';
import { caseWorkflowId } from '../../src/contracts/ids';
import { caseCommandUpdate, caseViewQuery, releaseDecisionSignal } from '../../src/contracts/messages';
import { caseWorkflow } from '../../src/workflows';
import { caseManager, decisionSignal, events, openCaseRequest } from '../helpers/builders';
import { bundleCaseWorkflows, createTimeSkippingEnv, uniqueName } from '../helpers/temporal';

jest.setTimeout(60_000);

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleCaseWorkflows()]);
});
afterAll(async () => {
  await env?.teardown();
});

/** Fake activities at the boundary: they keep what was projected, in order. */
function fakeActivities(projected: CaseProjection[], failFirst = 0) {
  let calls = 0;
  const activities: CaseActivities = {
    projectCase: jest.fn(async (projection: CaseProjection) => {
      calls += 1;
      if (calls <= failFirst) throw new Error('database unavailable (simulated)');
      projected.push(projection);
      return { lastSeq: Math.max(...projection.transitions.map((t) => t.seq)) };
    }),
  };
  return activities;
}

function createWorker(taskQueue: string, activities: CaseActivities, options: Partial<WorkerOptions> = {}): Promise<Worker> {
  return TemporalWorker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities,
    ...options,
  });
}

const started: WorkflowHandle[] = [];

async function openCase(taskQueue: string, overrides = {}): Promise<WorkflowHandle<typeof caseWorkflow>> {
  const caseId = uniqueName('UC');
  const handle = await env.client.workflow.start(caseWorkflow, {
    workflowId: caseWorkflowId(caseId),
    taskQueue,
    args: [{ open: OpenCaseSchema.parse(openCaseRequest(caseId, overrides)) }],
  });
  started.push(handle);
  return handle;
}

// A case left open with no worker would hold back the test server's clock for the next test.
afterEach(async () => {
  for (const handle of started.splice(0)) {
    await handle.terminate('test finished').catch(() => undefined);
  }
});

const projectedSeqs = (projected: CaseProjection[]) => projected.flatMap((p) => p.transitions.map((t) => t.seq));

describe('case workflow on the time-skipping server', () => {
  it('runs the whole slice: each update answers the new state, the approval arrives by signal', async () => {
    const taskQueue = uniqueName('tq');
    const projected: CaseProjection[] = [];
    const worker = await createWorker(taskQueue, fakeActivities(projected));
    await worker.runUntil(async () => {
      const handle = await openCase(taskQueue, { child: { birthDate: '2017-05-20', disability: true } });
      expect((await handle.executeUpdate(caseCommandUpdate, { args: [events.completeIntake()] })).status).toBe(
        'sponsor_identification',
      );
      expect((await handle.executeUpdate(caseCommandUpdate, { args: [events.identifySponsor('2B')] })).status).toBe('vetting');
      const homeStudy = await handle.executeUpdate(caseCommandUpdate, { args: [events.completeVetting()] });
      expect(homeStudy).toMatchObject({ status: 'home_study', homeStudyTriggers: ['child_disability'] });
      const awaiting = await handle.executeUpdate(caseCommandUpdate, { args: [events.completeHomeStudy()] });
      expect(awaiting.status).toBe('release_decision');
      expect(awaiting.allowedEvents).toEqual({ orr_reviewer: ['DECIDE_RELEASE'] });

      await handle.signal(releaseDecisionSignal, decisionSignal(events.approve()));
      const released = await handle.executeUpdate(caseCommandUpdate, { args: [events.releaseChild()] });
      expect(released).toMatchObject({ status: 'released', closed: true });
      expect(released.transitions.map((t) => [t.event, t.toStatus])).toEqual([
        ['OPEN_CASE', 'intake'],
        ['COMPLETE_INTAKE', 'sponsor_identification'],
        ['IDENTIFY_SPONSOR', 'vetting'],
        ['COMPLETE_VETTING', 'home_study'],
        ['COMPLETE_HOME_STUDY', 'release_decision'],
        ['DECIDE_RELEASE', 'release_approved'],
        ['RELEASE_CHILD', 'released'],
      ]);
      expect(released.transitions[2]?.reason).toBe('Mother located through the child, phone interview done');

      const result = await handle.result();
      expect(result.status).toBe('released');
      // Every transition reached the read model exactly once, in order, and the last row is final.
      expect(projectedSeqs(projected)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(projected.at(-1)).toMatchObject({ status: 'released', sponsorCategory: '2B' });
      expect(projected.at(-1)?.releasedAt).toEqual(released.releasedAt);
    });
  });

  it('refuses an update with the reason and the allowed events, leaving the case and its history unchanged', async () => {
    const taskQueue = uniqueName('tq');
    const worker = await createWorker(taskQueue, fakeActivities([]));
    await worker.runUntil(async () => {
      const handle = await openCase(taskQueue);
      const error = await handle.executeUpdate(caseCommandUpdate, { args: [events.completeVetting()] }).catch((e) => e);
      expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
      const failure = (error as WorkflowUpdateFailedError).cause as ApplicationFailure;
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure.type).toBe(CaseFailure.TRANSITION_REFUSED);
      expect(failure.message).toBe('COMPLETE_VETTING is not allowed while the case is in intake.');
      expect(failure.details?.[0]).toEqual({
        code: 'not_allowed_in_state',
        message: 'COMPLETE_VETTING is not allowed while the case is in intake.',
        status: 'intake',
        allowedEvents: ['COMPLETE_INTAKE'],
      });
      const invalid = await handle
        .executeUpdate(caseCommandUpdate, { args: [{ type: 'COMPLETE_INTAKE', actor: { id: '', role: 'case_manager' } }] })
        .catch((e) => e);
      expect((invalid as WorkflowUpdateFailedError).cause).toMatchObject({ type: CaseFailure.INVALID_PAYLOAD });

      const view = await handle.query(caseViewQuery);
      expect(view.status).toBe('intake');
      expect(view.transitions).toHaveLength(1);
      // Validator rejections never reach the history.
      const history = await handle.fetchHistory();
      const accepted = history.events?.filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
      expect(accepted).toHaveLength(0);
    });
  });

  it('records a reviewer decision the case refuses, and never applies it', async () => {
    const taskQueue = uniqueName('tq');
    const worker = await createWorker(taskQueue, fakeActivities([]));
    await worker.runUntil(async () => {
      const handle = await openCase(taskQueue);
      await handle.signal(releaseDecisionSignal, decisionSignal(events.approve(), 'too-early'));
      for (const event of [events.completeIntake(), events.identifySponsor('1'), events.completeVetting()]) {
        await handle.executeUpdate(caseCommandUpdate, { args: [event] });
      }
      await handle.signal(releaseDecisionSignal, decisionSignal(events.approve(caseManager), 'wrong-role'));
      await handle.signal(releaseDecisionSignal, { requestId: 'malformed', decision: { type: 'DECIDE_RELEASE' } } as never);
      const view = await handle.query(caseViewQuery);
      expect(view.status).toBe('release_decision');
      expect(view.transitions).toHaveLength(4);
      expect(view.refusedSignals.map((r) => [r.requestId, r.actor.role, r.code])).toEqual([
        ['too-early', 'orr_reviewer', 'not_allowed_in_state'],
        ['wrong-role', 'case_manager', 'role_not_permitted'],
        ['malformed', 'unknown', 'invalid_payload'],
      ]);
    });
  });

  it('applies an update sent twice with the same update id once', async () => {
    const taskQueue = uniqueName('tq');
    const worker = await createWorker(taskQueue, fakeActivities([]));
    await worker.runUntil(async () => {
      const handle = await openCase(taskQueue);
      const first = await handle.executeUpdate(caseCommandUpdate, { args: [events.completeIntake()], updateId: 'req-1' });
      const again = await handle.executeUpdate(caseCommandUpdate, { args: [events.completeIntake()], updateId: 'req-1' });
      expect(again).toEqual(first);
      expect((await handle.query(caseViewQuery)).transitions).toHaveLength(2);
    });
  });

  it('survives a worker restart mid-case: nothing accepted is lost or applied twice', async () => {
    const taskQueue = uniqueName('tq');
    const projected: CaseProjection[] = [];
    let handle!: WorkflowHandle<typeof caseWorkflow>;
    // The time-skipping server never gives up on a vanished worker's sticky queue (the real server
    // does, after 10 s), so the first worker keeps no workflow cache and hence no sticky queue.
    // The second one starts cold and must rebuild the case by replaying its history.
    const first = await createWorker(taskQueue, fakeActivities(projected), { maxCachedWorkflows: 0 });
    await first.runUntil(async () => {
      handle = await openCase(taskQueue);
      await handle.executeUpdate(caseCommandUpdate, { args: [events.completeIntake()] });
      await handle.executeUpdate(caseCommandUpdate, { args: [events.identifySponsor('1')] });
      await handle.executeUpdate(caseCommandUpdate, { args: [events.completeVetting()] });
    });
    // No worker now: the reviewer's decision is a signal, so the server accepts and keeps it.
    await handle.signal(releaseDecisionSignal, decisionSignal(events.approve(), 'while-down'));
    const second = await createWorker(taskQueue, fakeActivities(projected));
    await second.runUntil(async () => {
      const view = await handle.query(caseViewQuery);
      expect(view.status).toBe('release_approved');
      expect(view.transitions.at(-1)).toMatchObject({ event: 'DECIDE_RELEASE', requestId: 'while-down' });
      await handle.executeUpdate(caseCommandUpdate, { args: [events.releaseChild()] });
      const result = await handle.result();
      expect(result.transitions.map((t) => t.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    });
    expect([...new Set(projectedSeqs(projected))].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('keeps answering while the read model is down, and projects everything once it is back', async () => {
    const taskQueue = uniqueName('tq');
    const projected: CaseProjection[] = [];
    // The first two projections fail; the retry policy tries again after 1 s, then 2 s, in real
    // time (no time skipping here: an activity in flight would hold the test server's clock).
    const activities = fakeActivities(projected, 2);
    const worker = await createWorker(taskQueue, activities);
    await worker.runUntil(async () => {
      const handle = await openCase(taskQueue);
      const view = await handle.executeUpdate(caseCommandUpdate, { args: [events.completeIntake()] });
      expect(view.status).toBe('sponsor_identification');
      await handle.executeUpdate(caseCommandUpdate, { args: [events.identifySponsor('1')] });
      for (let waited = 0; projectedSeqs(projected).length < 3 && waited < 20_000; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(projectedSeqs(projected)).toEqual([0, 1, 2]);
      expect(activities.projectCase).toHaveBeenCalledTimes(2 + projected.length);
    });
  });
});

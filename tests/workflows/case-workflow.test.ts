import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

import type { CaseProjection } from '../../src/contracts/case-view';
import { CaseFailure } from '../../src/contracts/failures';
import { caseCommandUpdate, caseViewQuery, releaseDecisionSignal } from '../../src/contracts/messages';
import type { caseWorkflow } from '../../src/workflows';
import { caseManager, decisionSignal, events } from '../helpers/builders';
import type { CaseHandle, CaseWorkflowKit } from '../helpers/case-workflow-kit';
import {
  clearChecks,
  decide,
  fakeActivities,
  finished,
  projectedSeqs,
  send,
  toDecision,
  useCaseWorkflowKit,
} from '../helpers/case-workflow-kit';
import { uniqueName } from '../helpers/temporal';

jest.setTimeout(60_000);

const kit = useCaseWorkflowKit();
const createWorker: CaseWorkflowKit['createWorker'] = (...args) => kit.createWorker(...args);
const openCase: CaseWorkflowKit['openCase'] = (...args) => kit.openCase(...args);

describe('case workflow on the time-skipping server', () => {
  it('runs a case end to end: each update answers the new state, the approval arrives by signal', async () => {
    const taskQueue = uniqueName('tq');
    const projected: CaseProjection[] = [];
    const worker = await createWorker(taskQueue, fakeActivities(projected));
    await worker.runUntil(async () => {
      const handle = await openCase(taskQueue, { child: { birthDate: '2017-05-20', disability: true } });
      expect((await send(handle, events.completeIntake())).status).toBe('sponsor_identification');
      expect((await send(handle, events.identifySponsor('2B'))).status).toBe('application');
      const vetting = await send(handle, events.completeAssessment());
      expect(vetting).toMatchObject({ status: 'vetting', expedited: false, policyProfile: 'ifr-2025' });
      // The disability raises the conditional checks: all seven are pending.
      expect(Object.values(vetting.checks ?? {})).toEqual(Array(7).fill('pending'));
      expect(vetting.allowedEvents.case_manager).toEqual([
        'ADD_HOUSEHOLD_MEMBER',
        'CLEAR_CHECK',
        'FLAG_CHECK',
        'SCHEDULE_FINGERPRINTS',
        'SPONSOR_WITHDREW',
        'DEPART',
      ]);
      await clearChecks(handle);
      const homeStudy = await send(handle, events.completeVetting());
      expect(homeStudy).toMatchObject({ status: 'home_study', homeStudyTriggers: ['child_disability'] });
      await send(handle, events.completeHomeStudy(), events.recommend());
      const awaiting = await send(handle, events.review());
      expect(awaiting.status).toBe('release_decision');
      expect(awaiting.allowedEvents.orr_reviewer).toEqual(['TRANSFER_CARE_PROVIDER', 'DECIDE_RELEASE']);

      expect((await decide(handle, events.approve())).status).toBe('release_approved');
      const released = await send(handle, events.releaseChild());
      expect(released).toMatchObject({ status: 'released', closed: false, postReleaseServices: true });
      expect(released.allowedEvents).toEqual({ case_manager: ['COMPLETE_FOLLOW_UP'] });
      const closed = await send(handle, events.completeFollowUp());
      expect(closed).toMatchObject({ status: 'closed', closed: true, closure: 'released' });
      expect(closed.transitions.map((t) => t.event)).toEqual([
        'OPEN_CASE',
        'COMPLETE_INTAKE',
        'IDENTIFY_SPONSOR',
        'COMPLETE_ASSESSMENT',
        ...Array(7).fill('CLEAR_CHECK'),
        'COMPLETE_VETTING',
        'COMPLETE_HOME_STUDY',
        'RECOMMEND_RELEASE',
        'REVIEW_CASE',
        'DECIDE_RELEASE',
        'RELEASE_CHILD',
        'COMPLETE_FOLLOW_UP',
      ]);
      expect(closed.transitions[2]?.reason).toBe('Sponsor located through the child, phone interview done');

      const result = await finished(handle);
      expect(result.status).toBe('closed');
      // Every transition reached the read model exactly once, in order, and the last row is final.
      expect(projectedSeqs(projected)).toEqual(closed.transitions.map((t) => t.seq));
      expect(projected.at(-1)).toMatchObject({ status: 'closed', sponsorCategory: '2B' });
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
        allowedEvents: ['COMPLETE_INTAKE', 'DEPART'],
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
      const accepted = history.events?.filter(
        (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
      );
      expect(accepted).toHaveLength(0);
    });
  });

  it('records a reviewer decision the case refuses, and never applies it', async () => {
    const taskQueue = uniqueName('tq');
    const worker = await createWorker(taskQueue, fakeActivities([]));
    await worker.runUntil(async () => {
      const handle = await openCase(taskQueue);
      await handle.signal(releaseDecisionSignal, decisionSignal(events.approve(), 'too-early'));
      const atDecision = await toDecision(handle, '1');
      await handle.signal(releaseDecisionSignal, decisionSignal(events.approve(caseManager), 'wrong-role'));
      await handle.signal(releaseDecisionSignal, { requestId: 'malformed', decision: { type: 'DECIDE_RELEASE' } } as never);
      const view = await handle.query(caseViewQuery);
      expect(view.status).toBe('release_decision');
      expect(view.transitions).toHaveLength(atDecision.transitions.length);
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
      await toDecision(handle, '1');
    });
    // No worker now: the reviewer's decision is a signal, so the server accepts and keeps it.
    await handle.signal(releaseDecisionSignal, decisionSignal(events.approve(), 'while-down'));
    const second = await createWorker(taskQueue, fakeActivities(projected));
    await second.runUntil(async () => {
      const view = await handle.query(caseViewQuery);
      expect(view.status).toBe('release_approved');
      expect(view.transitions.at(-1)).toMatchObject({ event: 'DECIDE_RELEASE', requestId: 'while-down' });
      await send(handle, events.releaseChild(), events.completeFollowUp());
      const result = await finished(handle);
      const seqs = result.transitions.map((t) => t.seq);
      expect(seqs).toEqual([...seqs.keys()]);
      expect(result.transitions.filter((t) => t.event === 'DECIDE_RELEASE')).toHaveLength(1);
      expect([...new Set(projectedSeqs(projected))].sort((a, b) => a - b)).toEqual(seqs);
    });
  });

  it('keeps answering while the read model is down, and projects everything once it is back', async () => {
    const taskQueue = uniqueName('tq');
    const projected: CaseProjection[] = [];
    // The first two projections fail; the retry policy tries again after 1 s, then 2 s, in real
    // time (no time skipping here: an activity in flight would hold the test server's clock).
    const activities = fakeActivities(projected, { failFirst: 2 });
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

describe('case workflow: the branching paths', () => {
  /** Runs a scenario on a fresh worker and case. */
  async function scenario(run: (handle: CaseHandle) => Promise<void>, overrides = {}): Promise<void> {
    const taskQueue = uniqueName('tq');
    const worker = await createWorker(taskQueue, fakeActivities([]));
    await worker.runUntil(async () => run(await openCase(taskQueue, overrides)));
  }

  it('a denial, then a second sponsor approved and released', async () => {
    await scenario(async (handle) => {
      await toDecision(handle, '2B');
      const denied = await decide(handle, events.decide('deny'));
      expect(denied).toMatchObject({ status: 'sponsor_identification', sponsor: null, decision: null });
      expect(denied.sponsorHistory).toEqual([
        expect.objectContaining({
          sponsorId: 'sp-1',
          sponsor: expect.objectContaining({ category: '2B' }),
          outcome: 'denied',
          at: expect.any(String),
          denial: { grounds: ['risk_to_child'], reason: "Reviewer's reasons for deny" },
        }),
      ]);
      // The denied sponsor's checks stay in the history, as they stood.
      expect(denied.sponsorHistory[0]?.people[0]?.checks.every((c) => !c.required || c.status === 'cleared')).toBe(true);
      expect(denied.transitions.at(-1)).toMatchObject({ event: 'DECIDE_RELEASE', reason: "Reviewer's reasons for deny" });
      // The second sponsor, a parent: expedited, so no third-party review.
      await send(handle, events.identifySponsor('1'), events.completeAssessment());
      await clearChecks(handle);
      const recommended = await send(handle, events.completeVetting(), events.recommend());
      expect(recommended).toMatchObject({ status: 'release_decision', expedited: true });
      expect((await decide(handle, events.decide('approve_with_services'))).postReleaseServices).toBe(true);
      const released = await send(handle, events.releaseChild());
      expect(released.sponsor?.category).toBe('1');
      expect(released.sponsorHistory).toHaveLength(1);
    });
  });

  it('a remand to vetting re-opens the checks named; a flag there raises more checks and ends the expedited path', async () => {
    await scenario(async (handle) => {
      const atDecision = await toDecision(handle, '1');
      expect(atDecision.expedited).toBe(true);
      const remanded = await decide(handle, events.decide('remand', { remandTo: 'vetting' }));
      expect(remanded.status).toBe('vetting');
      expect(remanded.checks).toMatchObject({ identity: 'cleared', public_records: 'pending', can_registry: 'not_required' });
      const flagged = await send(handle, events.flagCheck('public_records'));
      expect(flagged).toMatchObject({ expedited: false, checks: { public_records: 'flagged', can_registry: 'pending' } });
      expect(flagged.flags).toEqual([
        { check: 'public_records', findings: 'Finding in the public_records check', at: expect.any(String), person: 'sp-1' },
      ]);
      await clearChecks(handle);
      const review = await send(handle, events.completeVetting(), events.recommend());
      expect(review.status).toBe('third_party_review');
    });
  });

  it('a sponsor withdraws mid-vetting: back to sponsor identification, the history kept', async () => {
    await scenario(async (handle) => {
      await send(handle, events.completeIntake(), events.identifySponsor('2A'), events.completeAssessment(), events.clearCheck('identity'));
      const withdrawn = await send(handle, events.sponsorWithdrew());
      expect(withdrawn).toMatchObject({ status: 'sponsor_identification', sponsor: null, checks: null });
      expect(withdrawn.sponsorHistory).toEqual([
        expect.objectContaining({
          sponsorId: 'sp-1',
          sponsor: expect.objectContaining({ category: '2A' }),
          outcome: 'withdrawn',
          at: expect.any(String),
        }),
      ]);
      expect(withdrawn.transitions.at(-1)).toMatchObject({
        event: 'SPONSOR_WITHDREW',
        fromStatus: 'vetting',
        toStatus: 'sponsor_identification',
        reason: 'The sponsor withdrew the application',
      });
    });
  });

  it('Category 4: no viable sponsor, then one appears', async () => {
    await scenario(async (handle) => {
      const cat4 = await send(handle, events.completeIntake(), events.noViableSponsor());
      expect(cat4.status).toBe('no_viable_sponsor');
      expect(cat4.allowedEvents.case_manager).toEqual(['IDENTIFY_SPONSOR', 'DEPART']);
      const refused = await send(handle, events.completeAssessment()).catch((e: WorkflowUpdateFailedError) => e);
      expect((refused as WorkflowUpdateFailedError).cause?.message).toBe(
        'COMPLETE_ASSESSMENT is not allowed while the case is in no_viable_sponsor.',
      );
      expect((await send(handle, events.identifySponsor('3', { related: false }))).status).toBe('application');
    });
  });

  it('a transfer keeps the stage and the checks done, under the new care provider', async () => {
    await scenario(async (handle) => {
      await send(handle, events.completeIntake(), events.identifySponsor('2B'), events.completeAssessment(), events.clearCheck('identity'));
      const moved = await send(handle, events.transfer('shelter-ca-02'));
      expect(moved).toMatchObject({ status: 'vetting', careProviderId: 'shelter-ca-02', checks: { identity: 'cleared' } });
      expect(moved.careProviderHistory).toEqual([{ careProviderId: 'shelter-tx-07', until: expect.any(String) }]);
      expect(moved.transitions.at(-1)).toMatchObject({ event: 'TRANSFER_CARE_PROVIDER', fromStatus: 'vetting', toStatus: 'vetting' });
    });
  });
});

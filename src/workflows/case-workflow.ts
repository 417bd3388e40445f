import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  currentUpdateInfo,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';

import type { CaseActivities } from '../activities/case-activities';
import type { CaseEvent } from '../contracts/case-events';
import { CaseCommandSchema, ReleaseDecisionSignalSchema } from '../contracts/case-events';
import { OpenCaseSchema } from '../contracts/case-input';
import { formatIssues } from '../contracts/issues';
import type { CaseProjection, CaseTransition, CaseView, RefusedSignal } from '../contracts/case-view';
import { CaseFailure } from '../contracts/failures';
import type { CaseWorkflowInput } from '../contracts/messages';
import { caseCommandUpdate, caseViewQuery, releaseDecisionSignal } from '../contracts/messages';
import type { Refusal } from '../machines/case-logic';
import { allowedEventsByRole, checkStatuses, evaluateEvent, openCaseSnapshot } from '../machines/case-logic';
import type { CaseSnapshot } from '../machines/case-status';
import { toCaseStatus } from '../machines/case-status';

const { projectCase } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  // The read model must catch up eventually, however long the database is away: retry forever,
  // backing off to once a minute. Permanent failures are marked non-retryable by the activity.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * One child's case, from intake to release. Hosts the case statechart as a pure reducer: message
 * handlers translate messages into machine events; the main loop carries out the effects
 * (projection to the read model) in order, outside the handlers, so callers never wait on them.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseView> {
  const parsed = OpenCaseSchema.safeParse(input.open);
  if (!parsed.success) {
    throw ApplicationFailure.create({
      type: CaseFailure.INVALID_PAYLOAD,
      message: `Invalid case input: ${formatIssues(parsed.error)}`,
      nonRetryable: true,
    });
  }
  const open = parsed.data;
  const workflowId = workflowInfo().workflowId;

  let snapshot: CaseSnapshot = openCaseSnapshot({
    caseId: open.caseId,
    careProviderId: open.careProviderId,
    admittedAt: open.admittedAt,
    child: open.child,
  });
  const transitions: CaseTransition[] = [];
  const refusedSignals: RefusedSignal[] = [];
  /** Transitions accepted but not yet projected, oldest first. */
  const unprojected: CaseTransition[] = [];

  const record = (transition: CaseTransition): void => {
    transitions.push(transition);
    unprojected.push(transition);
  };
  record({
    seq: 0,
    event: 'OPEN_CASE',
    fromStatus: null,
    toStatus: toCaseStatus(snapshot),
    actor: open.openedBy,
    reason: null,
    at: new Date().toISOString(),
    requestId: null,
  });

  const view = (): CaseView => {
    const { context } = snapshot;
    return {
      caseId: open.caseId,
      status: toCaseStatus(snapshot),
      closed: snapshot.status === 'done',
      closure: context.closure,
      careProviderId: context.careProviderId,
      careProviderHistory: context.careProviderHistory,
      admittedAt: context.admittedAt,
      sponsor: context.sponsor,
      sponsorHistory: context.sponsorHistory,
      policyProfile: context.profileId,
      expedited: context.expedited,
      checks: checkStatuses(snapshot),
      flags: context.flags,
      homeStudyTriggers: context.homeStudyTriggers,
      homeStudy: context.homeStudy,
      recommendation: context.recommendation,
      review: context.review,
      decision: context.decision,
      postReleaseServices: context.postReleaseServices,
      releasedAt: context.releasedAt,
      closedAt: context.closedAt,
      allowedEvents: allowedEventsByRole(snapshot, new Date().toISOString()),
      transitions,
      refusedSignals,
    };
  };

  /** Applies an event, or returns why the case refuses it. */
  const apply = (event: CaseEvent, requestId: string | null): Refusal | undefined => {
    const at = new Date().toISOString();
    const outcome = evaluateEvent(snapshot, event, at);
    if (!outcome.accepted) return outcome.refusal;
    const fromStatus = toCaseStatus(snapshot);
    snapshot = outcome.next;
    record({
      seq: transitions.length,
      event: event.type,
      fromStatus,
      toStatus: toCaseStatus(snapshot),
      actor: event.actor,
      reason: event.reason ?? null,
      at,
      requestId,
    });
    return undefined;
  };

  // Message handlers: each only translates a message into a machine event.
  setHandler(caseViewQuery, view);

  setHandler(
    caseCommandUpdate,
    (request) => {
      const refusal = apply(CaseCommandSchema.parse(request), currentUpdateInfo()?.id ?? null);
      if (refusal) throw refusalFailure(refusal); // unreachable unless the validator was skipped
      return view();
    },
    {
      // Runs before the update is written to history: a refused event leaves no trace.
      validator: (request) => {
        const parsedCommand = CaseCommandSchema.safeParse(request);
        if (!parsedCommand.success) {
          throw ApplicationFailure.create({
            type: CaseFailure.INVALID_PAYLOAD,
            message: formatIssues(parsedCommand.error),
            nonRetryable: true,
          });
        }
        const outcome = evaluateEvent(snapshot, parsedCommand.data, new Date().toISOString());
        if (!outcome.accepted) throw refusalFailure(outcome.refusal);
      },
    },
  );

  setHandler(releaseDecisionSignal, (payload) => {
    const at = new Date().toISOString();
    const parsedSignal = ReleaseDecisionSignalSchema.safeParse(payload);
    if (!parsedSignal.success) {
      // A signal cannot be answered: keep what was refused and why, and change nothing else.
      const actor = payload?.decision?.actor;
      refusedSignals.push({
        requestId: typeof payload?.requestId === 'string' ? payload.requestId : null,
        event: 'DECIDE_RELEASE',
        actor: { id: String(actor?.id ?? 'unknown'), role: String(actor?.role ?? 'unknown') },
        at,
        code: 'invalid_payload',
        message: formatIssues(parsedSignal.error),
      });
      return;
    }
    const { requestId, decision } = parsedSignal.data;
    const refusal = apply(decision, requestId);
    if (refusal) {
      refusedSignals.push({ requestId, event: 'DECIDE_RELEASE', actor: decision.actor, at, code: refusal.code, message: refusal.message });
      log.warn('Release decision refused', { caseId: open.caseId, code: refusal.code });
    }
  });

  // Main loop: project accepted transitions, in order, until the case is closed and fully projected.
  for (;;) {
    await condition(() => unprojected.length > 0 || snapshot.status === 'done');
    if (unprojected.length > 0) {
      const batch = unprojected.splice(0, unprojected.length);
      await projectCase(projectionOf(workflowId, snapshot, batch));
      continue;
    }
    // Closed, and nothing left to project. Let any handler still running finish first.
    await condition(allHandlersFinished);
    if (unprojected.length === 0) return view();
  }
}

function projectionOf(workflowId: string, snapshot: CaseSnapshot, batch: CaseTransition[]): CaseProjection {
  const { context } = snapshot;
  return {
    caseId: context.caseId,
    workflowId,
    careProviderId: context.careProviderId,
    status: toCaseStatus(snapshot),
    sponsorCategory: context.sponsor?.category ?? null,
    admittedAt: context.admittedAt,
    releasedAt: context.releasedAt,
    transitions: batch,
  };
}

function refusalFailure(refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({
    type: CaseFailure.TRANSITION_REFUSED,
    message: refusal.message,
    details: [refusal],
    nonRetryable: true,
  });
}

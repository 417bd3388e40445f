import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  currentUpdateInfo,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';

import type { AlertRecord, CaseActivities } from '../activities/case-activities';
import type { Alert, AlertAck, AlertLevel } from '../contracts/alerts';
import { AcknowledgeAlertSchema, DEFAULT_ALERT_DELIVERY } from '../contracts/alerts';
import type { CaseEvent } from '../contracts/case-events';
import { CaseCommandSchema, ReleaseDecisionSignalSchema } from '../contracts/case-events';
import { OpenCaseSchema } from '../contracts/case-input';
import { formatIssues } from '../contracts/issues';
import type { CaseProjection, CaseTransition, CaseView, RefusedSignal } from '../contracts/case-view';
import { CaseFailure } from '../contracts/failures';
import type { CaseWorkflowInput } from '../contracts/messages';
import {
  acknowledgeAlertUpdate,
  caseCommandUpdate,
  caseViewQuery,
  releaseDecisionSignal,
  targetsChangedSignal,
} from '../contracts/messages';
import type { VersionedTargets } from '../contracts/targets';
import { DEFAULT_TARGETS, VersionedTargetsSchema } from '../contracts/targets';
import type { Refusal } from '../machines/case-logic';
import { allowedEventsByRole, checkStatuses, evaluateEvent, openCaseSnapshot } from '../machines/case-logic';
import type { CaseSnapshot } from '../machines/case-status';
import { toCaseStatus } from '../machines/case-status';
import type { CaseClock } from '../domain/deadlines';
import { schedule } from '../domain/deadlines';

const { projectCase, recordAlerts, recordDeadLetter, loadTargets } = proxyActivities<CaseActivities>({
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
  let targets: VersionedTargets = input.targets ? VersionedTargetsSchema.parse(input.targets) : { version: 0, targets: DEFAULT_TARGETS };
  const delivery = input.alertDelivery ?? DEFAULT_ALERT_DELIVERY;
  const { deliverAlertWebhook } = proxyActivities<CaseActivities>({
    startToCloseTimeout: '30 seconds',
    retry: {
      initialInterval: delivery.webhookInitialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: '10 minutes',
      maximumAttempts: delivery.webhookMaxAttempts,
    },
  });

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
  /** Refused reviewer decisions not yet written to the audit trail. */
  const unauditedRefusals: RefusedSignal[] = [];

  // Alerts: what fired (ids), what is open, who acknowledged which level, and what to persist next.
  const fired = new Set<string>();
  const openAlerts = new Map<string, Alert>();
  const acknowledged = new Map<string, Set<AlertLevel>>();
  const acknowledgements: AlertAck[] = [];
  const unrecorded: AlertRecord = { fired: [], resolved: [], acknowledged: [] };
  let nextDeadlineAt: number | null = null;
  /** Set by every handler that may change the deadlines; the main loop recomputes them. */
  let dirty = true;
  let deliveriesInFlight = 0;

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
      alerts: {
        open: [...openAlerts.values()],
        acknowledgements,
        firedCount: fired.size,
        nextDeadlineAt: nextDeadlineAt === null ? null : new Date(nextDeadlineAt).toISOString(),
        targetsVersion: targets.version,
      },
      transitions,
      refusedSignals,
    };
  };

  const clock = (): CaseClock => ({
    caseId: open.caseId,
    careProviderId: snapshot.context.careProviderId,
    status: toCaseStatus(snapshot),
    admittedAt: snapshot.context.admittedAt,
    birthDate: snapshot.context.child.birthDate,
    category: snapshot.context.sponsor?.category ?? snapshot.context.sponsorHistory.at(-1)?.sponsor.category ?? null,
    releasedAt: snapshot.context.releasedAt,
    transitions,
  });

  /** Fires what is due, resolves what the case has moved past, and sets the next deadline. */
  const runDeadlines = (): void => {
    const now = Date.now();
    const plan = schedule(clock(), targets.targets, { fired, acknowledged }, now);
    for (const alert of plan.due) {
      fired.add(alert.id);
      openAlerts.set(alert.id, alert);
      unrecorded.fired.push(alert);
      log.info('Alert fired', { caseId: open.caseId, alertId: alert.id, level: alert.level });
    }
    const active = new Set(plan.active);
    for (const [id, alert] of openAlerts) {
      if (active.has(alert.chain)) continue;
      openAlerts.delete(id);
      unrecorded.resolved.push({ alertId: id, at: new Date(now).toISOString() });
    }
    nextDeadlineAt = plan.nextAt;
  };

  /** Delivers an alert to the webhook with retries; one that never gets through is kept as a dead letter. */
  const deliver = async (alert: Alert): Promise<void> => {
    deliveriesInFlight += 1;
    try {
      await deliverAlertWebhook(alert);
    } catch (err) {
      const cause = err instanceof ActivityFailure ? err.cause : err;
      const attempt = cause instanceof ApplicationFailure ? (cause.details?.[0] as { attempt?: number } | undefined)?.attempt : undefined;
      await recordDeadLetter({
        alertId: alert.id,
        attempts: attempt ?? delivery.webhookMaxAttempts,
        lastError: cause instanceof Error ? cause.message : String(cause),
        at: new Date().toISOString(),
      });
      log.warn('Alert webhook gave up', { caseId: open.caseId, alertId: alert.id });
    } finally {
      deliveriesInFlight -= 1;
    }
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
    dirty = true;
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
      const refused: RefusedSignal = {
        requestId: typeof payload?.requestId === 'string' ? payload.requestId : null,
        event: 'DECIDE_RELEASE',
        actor: { id: String(actor?.id ?? 'unknown'), role: String(actor?.role ?? 'unknown') },
        at,
        code: 'invalid_payload',
        message: formatIssues(parsedSignal.error),
      };
      refusedSignals.push(refused);
      unauditedRefusals.push(refused);
      return;
    }
    const { requestId, decision } = parsedSignal.data;
    const refusal = apply(decision, requestId);
    if (refusal) {
      const refused: RefusedSignal = { requestId, event: 'DECIDE_RELEASE', actor: decision.actor, at, code: refusal.code, message: refusal.message };
      refusedSignals.push(refused);
      unauditedRefusals.push(refused);
      log.warn('Release decision refused', { caseId: open.caseId, code: refusal.code });
    }
  });

  setHandler(targetsChangedSignal, (payload) => {
    const parsedTargets = VersionedTargetsSchema.safeParse(payload);
    if (!parsedTargets.success) {
      log.warn('Targets refused', { caseId: open.caseId, issues: formatIssues(parsedTargets.error) });
      return;
    }
    if (parsedTargets.data.version <= targets.version) return; // an older or repeated broadcast
    targets = parsedTargets.data;
    dirty = true;
    log.info('Targets changed', { caseId: open.caseId, version: targets.version });
  });

  setHandler(
    acknowledgeAlertUpdate,
    (request) => {
      const ack = AcknowledgeAlertSchema.parse(request);
      const alert = openAlerts.get(ack.alertId)!;
      const record: AlertAck = { alertId: ack.alertId, actor: ack.actor, at: new Date().toISOString(), note: ack.note ?? null };
      acknowledgements.push(record);
      unrecorded.acknowledged.push(record);
      // Acknowledging an escalation silences its level's repeats; a warning has none to silence.
      if (alert.kind === 'escalation') {
        const levels = acknowledged.get(alert.chain) ?? new Set<AlertLevel>();
        levels.add(alert.level);
        acknowledged.set(alert.chain, levels);
      }
      dirty = true;
      return record;
    },
    {
      validator: (request) => {
        const parsedAck = AcknowledgeAlertSchema.safeParse(request);
        if (!parsedAck.success) {
          throw ApplicationFailure.create({ type: CaseFailure.INVALID_PAYLOAD, message: formatIssues(parsedAck.error), nonRetryable: true });
        }
        const alertId = parsedAck.data.alertId;
        if (parsedAck.data.actor.role !== 'supervisor') {
          throw ApplicationFailure.create({
            type: CaseFailure.TRANSITION_REFUSED,
            message: `Alerts are acknowledged by a supervisor, not by ${parsedAck.data.actor.role}.`,
            nonRetryable: true,
          });
        }
        if (!openAlerts.has(alertId)) {
          throw ApplicationFailure.create({
            type: CaseFailure.TRANSITION_REFUSED,
            message: fired.has(alertId)
              ? `Alert ${alertId} is resolved: the case has moved on.`
              : `Alert ${alertId} is not an alert of case ${open.caseId}.`,
            nonRetryable: true,
          });
        }
        if (acknowledgements.some((a) => a.alertId === alertId)) {
          throw ApplicationFailure.create({
            type: CaseFailure.TRANSITION_REFUSED,
            message: `Alert ${alertId} is already acknowledged.`,
            nonRetryable: true,
          });
        }
      },
    },
  );

  // Main loop: keep the deadlines, persist alerts and project transitions, in order, until the
  // case is closed and everything is written. One timer: the earliest deadline.
  for (;;) {
    if (dirty || (nextDeadlineAt !== null && Date.now() >= nextDeadlineAt)) {
      dirty = false;
      if (snapshot.status !== 'done') runDeadlines();
      else {
        // Closed: every open alert is resolved, nothing more is due.
        for (const id of openAlerts.keys()) unrecorded.resolved.push({ alertId: id, at: new Date().toISOString() });
        openAlerts.clear();
        nextDeadlineAt = null;
      }
    }
    if (unprojected.length > 0 || unauditedRefusals.length > 0) {
      const batch = unprojected.splice(0, unprojected.length);
      const refusals = unauditedRefusals.splice(0, unauditedRefusals.length);
      const projected = await projectCase({ ...projectionOf(workflowId, snapshot, batch), refusedSignals: refusals });
      // Targets saved while this case was starting (or that a broadcast missed): catch up.
      if (projected.targetsVersion !== undefined && projected.targetsVersion > targets.version) {
        targets = VersionedTargetsSchema.parse(await loadTargets());
        dirty = true;
      }
      continue;
    }
    if (unrecorded.fired.length + unrecorded.resolved.length + unrecorded.acknowledged.length > 0) {
      const record: AlertRecord = {
        fired: unrecorded.fired.splice(0),
        resolved: unrecorded.resolved.splice(0),
        acknowledged: unrecorded.acknowledged.splice(0),
      };
      const { webhook } = await recordAlerts(record);
      if (webhook) for (const alert of record.fired) void deliver(alert);
      continue;
    }
    if (snapshot.status === 'done') {
      // Closed, and everything written. Let handlers and deliveries still running finish first.
      await condition(() => allHandlersFinished() && deliveriesInFlight === 0);
      if (unprojected.length === 0 && unauditedRefusals.length === 0 && !dirty) return view();
      continue;
    }
    const woken = () => dirty || unprojected.length > 0 || unauditedRefusals.length > 0;
    if (nextDeadlineAt === null) await condition(woken);
    else await condition(woken, Math.max(nextDeadlineAt - Date.now(), 1));
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

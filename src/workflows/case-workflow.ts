import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';

import type { CaseActivities } from '../activities/case-activities';
import { DEFAULT_ALERT_DELIVERY } from '../contracts/alerts';
import type { HistoricalEvent, OpenCase } from '../contracts/case-input';
import { HistoricalEventSchema, OpenCaseFields, OpenCaseSchema } from '../contracts/case-input';
import type { CaseView } from '../contracts/case-view';
import { CaseFailure } from '../contracts/failures';
import { formatIssues } from '../contracts/issues';
import type { CaseWorkflowInput } from '../contracts/messages';
import {
  acknowledgeAlertUpdate,
  caseCommandOnceUpdate,
  caseCommandUpdate,
  caseDecisionQuery,
  casePolicyQuery,
  caseViewQuery,
  reassignCaseUpdate,
  releaseDecisionSignal,
  targetsChangedSignal,
} from '../contracts/messages';
import { DEFAULT_TARGETS, VersionedTargetsSchema } from '../contracts/targets';
import type { RulesVersion } from '../machines/case-machine';
import { DEFAULT_HISTORY_LIMIT, HistoryBound, parseCarried } from './case-carry';
import { CaseSearchAttributes } from './case-search-attributes';
import { CaseState } from './case-state';
import { BATCHED_PROJECTION_PATCH, ProjectionPacing } from './projection-pacing';
import { alertsLetter, deadLetterOrThrow, projectionLetter } from './read-model-writes';
import { WebhookDeliveries } from './webhook-deliveries';

const { projectCase, recordAlerts, recordDeadLetter, recordReadModelDeadLetter, loadTargets } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  // The read model must catch up eventually, however long the database is away: retry forever,
  // backing off to once a minute. Permanent failures are marked non-retryable by the activity.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * The patch that brought household members and alternate caregivers, dated check results and
 * their expiry, appeals, and the age-out on the 18th birthday (issue 14). Never rename it.
 */
export const RELEASE_POLICY_2_PATCH = 'i14-release-policy';

/**
 * Issue 16: the read model keeps each case's deadlines, and a change of the deadlines alone (new
 * targets) is projected too. Cases started before it keep their commands: their deadlines reach the
 * read model with their next transition.
 */
export const DEADLINES_PROJECTED_PATCH = 'i16-deadlines-projected';

/**
 * One child's case, from intake to release. Hosts the case statechart as a pure reducer: message
 * handlers hand messages to the case state; the main loop carries out the effects (projection to
 * the read model, alerts) in order, outside the handlers, so callers never wait on them.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseView> {
  // First, before any other command: a case whose history has no marker for this patch opened
  // before today's rules and finishes on its own (rules 1); a new case records the marker (rules 2).
  // A case continued from its previous run keeps the rules it opened under.
  const carried = input.carried === undefined ? undefined : parseCarried(input.carried);
  const rules = patched(RELEASE_POLICY_2_PATCH) ? (carried?.rules ?? 2) : 1;
  // A continued case's opening was judged when it opened: the fields only.
  const open = parseOpenCase(input.open, carried ? 1 : rules);
  const targets = input.targets ? VersionedTargetsSchema.parse(input.targets) : { version: 0, targets: DEFAULT_TARGETS };
  const projectsDeadlines = patched(DEADLINES_PROJECTED_PATCH);
  const state = new CaseState(open, targets, workflowInfo().workflowId, {
    rules,
    ...(input.assigneeId === undefined ? {} : { assigneeId: input.assigneeId }),
    ...(input.history === undefined ? {} : { history: parseHistory(input.history) }),
    ...(carried ? { carried } : {}),
  });
  const searchAttributes = new CaseSearchAttributes();
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const bound = new HistoryBound(historyLimit);
  const pacing = new ProjectionPacing(patched(BATCHED_PROJECTION_PATCH));
  const webhook = new WebhookDeliveries(input.alertDelivery ?? DEFAULT_ALERT_DELIVERY, state.caseId, recordDeadLetter);

  // Message-handling API: each handler hands its message to the case state. While a burst is held
  // the main loop waits, so a message keeps the deadlines itself: the case's view (its alerts)
  // never lags behind its events.
  const fresh = <T>(answer: T): T => {
    if (pacing.holding) state.keepDeadlines();
    return answer;
  };
  setHandler(caseViewQuery, () => state.view());
  setHandler(casePolicyQuery, (profileId) => state.policyUnder(profileId));
  setHandler(caseDecisionQuery, (signalId) => state.decisionLook(signalId));
  setHandler(caseCommandUpdate, (request) => fresh(state.applyCommand(request, currentUpdateInfo()?.id ?? null)), {
    // Runs before the update is written to history: a refused event leaves no trace.
    validator: (request) => state.validateCommand(request, currentUpdateInfo()?.id ?? null),
  });
  setHandler(caseCommandOnceUpdate, (request) => fresh(state.applyKeyedCommand(request)), {
    validator: (request) => state.validateKeyedCommand(request),
  });
  setHandler(releaseDecisionSignal, (payload) => fresh(state.receiveDecision(payload)));
  setHandler(targetsChangedSignal, (payload) => fresh(state.changeTargets(payload)));
  setHandler(acknowledgeAlertUpdate, (request) => fresh(state.acknowledge(request)), {
    validator: (request) => state.validateAcknowledgement(request),
  });
  setHandler(reassignCaseUpdate, (request) => state.reassign(request, currentUpdateInfo()?.id ?? null), {
    validator: (request) => state.validateReassignment(request, currentUpdateInfo()?.id ?? null),
  });

  // Main workflow logic: keep the deadlines, project transitions and record alerts, in order,
  // until the case is closed and everything is written. One timer: the earliest deadline.
  for (;;) {
    state.ageOutIfDue();
    state.keepDeadlines();
    searchAttributes.keep(state);
    if (pacing.holds(state)) {
      await pacing.wait(state);
      continue;
    }
    const projection = state.takeProjection(projectsDeadlines);
    if (projection) {
      let projected: Awaited<ReturnType<typeof projectCase>> | undefined;
      try {
        projected = await projectCase(projection);
      } catch (err) {
        projected = await deadLetterOrThrow(err, () => projectionLetter(projection), recordReadModelDeadLetter);
      }
      // Targets saved while this case was starting (or that a broadcast missed): catch up.
      if (projected && state.runsOnOlderTargets(projected.targetsVersion)) state.catchUpTargets(await loadTargets());
      continue;
    }
    const alerts = state.takeUnrecordedAlerts();
    if (alerts) {
      let recorded: Awaited<ReturnType<typeof recordAlerts>> | undefined;
      try {
        recorded = await recordAlerts(alerts);
      } catch (err) {
        recorded = await deadLetterOrThrow(err, () => alertsLetter(alerts, state.ids()), recordReadModelDeadLetter);
      }
      if (recorded?.webhook) for (const alert of alerts.fired) void webhook.deliver(alert);
      continue;
    }
    if (state.closed) {
      // Closed, and everything written. Let handlers and deliveries still running finish first.
      await condition(() => allHandlersFinished() && webhook.idle);
      if (!state.hasWork) return state.view();
      continue;
    }
    // Everything is written: a case whose history grew long carries its state into a new run,
    // once no handler or webhook delivery is in flight (they would be cut off).
    const rollOver = bound.due;
    const quiet = (): boolean => allHandlersFinished() && webhook.idle;
    if (rollOver && quiet()) {
      const next = { open: input.open, alertDelivery: input.alertDelivery, historyLimit: input.historyLimit, carried: state.carry() };
      return continueAsNew<typeof caseWorkflow>(next);
    }
    const wake = (): boolean => state.hasWork || (rollOver && quiet());
    const nextDeadlineAt = state.nextDeadlineAt;
    if (nextDeadlineAt === null) await condition(wake);
    else await condition(wake, Math.max(nextDeadlineAt - Date.now(), 1));
  }
}

function parseOpenCase(open: unknown, rules: RulesVersion): OpenCase {
  // A case that opened before dates were judged at the door keeps the opening it started with.
  const parsed = (rules >= 2 ? OpenCaseSchema : OpenCaseFields).safeParse(open);
  if (parsed.success) return parsed.data;
  throw ApplicationFailure.create({
    type: CaseFailure.INVALID_PAYLOAD,
    message: `Invalid case input: ${formatIssues(parsed.error)}`,
    nonRetryable: true,
  });
}

function parseHistory(history: unknown): HistoricalEvent[] {
  const parsed = HistoricalEventSchema.array().safeParse(history);
  if (parsed.success) return parsed.data;
  throw ApplicationFailure.create({
    type: CaseFailure.INVALID_PAYLOAD,
    message: `Invalid case history: ${formatIssues(parsed.error)}`,
    nonRetryable: true,
  });
}

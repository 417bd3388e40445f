import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  currentUpdateInfo,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';

import type { CaseActivities } from '../activities/case-activities';
import { DEFAULT_ALERT_DELIVERY } from '../contracts/alerts';
import type { OpenCase } from '../contracts/case-input';
import { OpenCaseFields } from '../contracts/case-input';
import type { CaseView } from '../contracts/case-view';
import { CaseFailure } from '../contracts/failures';
import { formatIssues } from '../contracts/issues';
import type { CaseWorkflowInput } from '../contracts/messages';
import {
  acknowledgeAlertUpdate,
  caseCommandOnceUpdate,
  caseCommandUpdate,
  caseViewQuery,
  releaseDecisionSignal,
  targetsChangedSignal,
} from '../contracts/messages';
import { DEFAULT_TARGETS, VersionedTargetsSchema } from '../contracts/targets';
import { CaseState } from './case-state';
import { alertsLetter, deadLetterOrThrow, projectionLetter } from './read-model-writes';
import { WebhookDeliveries } from './webhook-deliveries';

const { projectCase, recordAlerts, recordDeadLetter, recordReadModelDeadLetter, loadTargets } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  // The read model must catch up eventually, however long the database is away: retry forever,
  // backing off to once a minute. Permanent failures are marked non-retryable by the activity.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * One child's case, from intake to release. Hosts the case statechart as a pure reducer: message
 * handlers hand messages to the case state; the main loop carries out the effects (projection to
 * the read model, alerts) in order, outside the handlers, so callers never wait on them.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseView> {
  const open = parseOpenCase(input.open);
  const targets = input.targets ? VersionedTargetsSchema.parse(input.targets) : { version: 0, targets: DEFAULT_TARGETS };
  const state = new CaseState(open, targets, workflowInfo().workflowId);
  const webhook = new WebhookDeliveries(input.alertDelivery ?? DEFAULT_ALERT_DELIVERY, state.caseId, recordDeadLetter);

  // Message-handling API: each handler hands its message to the case state.
  setHandler(caseViewQuery, () => state.view());
  setHandler(caseCommandUpdate, (request) => state.applyCommand(request, currentUpdateInfo()?.id ?? null), {
    // Runs before the update is written to history: a refused event leaves no trace.
    validator: (request) => state.validateCommand(request),
  });
  setHandler(caseCommandOnceUpdate, (request) => state.applyKeyedCommand(request), {
    validator: (request) => state.validateKeyedCommand(request),
  });
  setHandler(releaseDecisionSignal, (payload) => state.receiveDecision(payload));
  setHandler(targetsChangedSignal, (payload) => state.changeTargets(payload));
  setHandler(acknowledgeAlertUpdate, (request) => state.acknowledge(request), {
    validator: (request) => state.validateAcknowledgement(request),
  });

  // Main workflow logic: keep the deadlines, project transitions and record alerts, in order,
  // until the case is closed and everything is written. One timer: the earliest deadline.
  for (;;) {
    state.keepDeadlines();
    const projection = state.takeProjection();
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
    const nextDeadlineAt = state.nextDeadlineAt;
    if (nextDeadlineAt === null) await condition(() => state.hasWork);
    else await condition(() => state.hasWork, Math.max(nextDeadlineAt - Date.now(), 1));
  }
}

function parseOpenCase(open: unknown): OpenCase {
  // The fields only: the date rules are the door's (a case opened before them must keep replaying).
  const parsed = OpenCaseFields.safeParse(open);
  if (parsed.success) return parsed.data;
  throw ApplicationFailure.create({
    type: CaseFailure.INVALID_PAYLOAD,
    message: `Invalid case input: ${formatIssues(parsed.error)}`,
    nonRetryable: true,
  });
}

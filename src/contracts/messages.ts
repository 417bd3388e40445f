import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

import type { AcknowledgeAlert, AlertAck, AlertDelivery } from './alerts';
import type { CaseCommandRequest, ReleaseDecisionSignal } from './case-events';
import type { OpenCase } from './case-input';
import type { CaseView } from './case-view';
import type { KeyedCaseCommand } from './idempotency';
import type { VersionedTargets } from './targets';

/** The case workflow's type name and its messages. The string names are part of the wire contract: never rename. */
export const CASE_WORKFLOW_TYPE = 'caseWorkflow';

export interface CaseWorkflowInput {
  open: OpenCase;
  /** The targets in force when the case opened; later versions arrive by signal. Default: version 0. */
  targets?: VersionedTargets;
  alertDelivery?: AlertDelivery;
}

/** A case manager's event: accepted (new view) or refused (TransitionRefused failure). */
export const caseCommandUpdate = defineUpdate<CaseView, [CaseCommandRequest]>('caseCommand');
/**
 * A case manager's event with an Idempotency-Key: applied or refused once, and that outcome kept
 * and answered again for the same request (a refusal too). Sent with Update id `keyedUpdateId`.
 */
export const caseCommandOnceUpdate = defineUpdate<CaseView, [KeyedCaseCommand]>('caseCommandOnce');
/** An ORR reviewer's release decision: applied when allowed, otherwise recorded as refused. */
export const releaseDecisionSignal = defineSignal<[ReleaseDecisionSignal]>('releaseDecision');
/** The live view of the case. */
export const caseViewQuery = defineQuery<CaseView>('caseView');
/** New targets for open cases (admins change them); a case ignores a version older than its own. */
export const targetsChangedSignal = defineSignal<[VersionedTargets]>('targetsChanged');
/** A supervisor acknowledges an alert: repeats at its level stop. Refused for an unknown or resolved alert. */
export const acknowledgeAlertUpdate = defineUpdate<AlertAck, [AcknowledgeAlert]>('acknowledgeAlert');

export const BROADCAST_TARGETS_WORKFLOW_TYPE = 'broadcastTargetsWorkflow';

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

import type { AcknowledgeAlert, AlertAck, AlertDelivery } from './alerts';
import type { CaseCommandRequest, ReassignCase, ReleaseDecisionSignal } from './case-events';
import type { HistoricalEvent, OpenCase } from './case-input';
import type { CaseMove, CaseView, DecisionLook } from './case-view';
import type { KeyedCaseCommand } from './idempotency';
import type { PolicyEvaluation } from './policy-evaluation';
import type { VersionedTargets } from './targets';

/** The case workflow's type name and its messages. The string names are part of the wire contract: never rename. */
export const CASE_WORKFLOW_TYPE = 'caseWorkflow';

export interface CaseWorkflowInput {
  open: OpenCase;
  /** The targets in force when the case opened; later versions arrive by signal. Default: version 0. */
  targets?: VersionedTargets;
  alertDelivery?: AlertDelivery;
  /** The case manager first assigned; default: the opener, when a case manager. */
  assigneeId?: string;
  /**
   * A case brought in from the system Reunify replaces: its events so far, each applied at its own
   * time when the workflow starts (checked against the statechart before the start).
   */
  history?: HistoricalEvent[];
  /**
   * Set by the case itself when it continues as new (its history grew long): its state from the
   * run before. Opaque to callers; never set it when starting a case.
   */
  carried?: unknown;
  /** History events after which the case continues as new (default in the workflow); lower in tests. */
  historyLimit?: number;
}

/**
 * A case manager's event: accepted (the move) or refused (TransitionRefused failure). Workflow code
 * before issue 18 answered the whole view, and an Update's outcome is kept in history: read it with `moveOf`.
 */
export const caseCommandUpdate = defineUpdate<CaseMove | CaseView, [CaseCommandRequest]>('caseCommand');
/**
 * A case manager's event with an Idempotency-Key: applied or refused once, and that outcome kept
 * and answered again for the same request (a refusal too). Sent with Update id `keyedUpdateId`.
 */
export const caseCommandOnceUpdate = defineUpdate<CaseMove | CaseView, [KeyedCaseCommand]>('caseCommandOnce');
/** An ORR reviewer's release decision: applied when allowed, otherwise recorded as refused. */
export const releaseDecisionSignal = defineSignal<[ReleaseDecisionSignal]>('releaseDecision');
/** The live view of the case. */
export const caseViewQuery = defineQuery<CaseView>('caseView');
/**
 * What the API reads around a reviewer's decision: whether the case takes one now, and what it made
 * of the decision signalled with this request id (null: none asked about). Small, unlike the view.
 */
export const caseDecisionQuery = defineQuery<DecisionLook, [string | null]>('caseDecision');
/** The case evaluated under a policy profile (by id; default: its own), changing nothing. */
export const casePolicyQuery = defineQuery<PolicyEvaluation, [string | undefined]>('casePolicy');
/** New targets for open cases (admins change them); a case ignores a version older than its own. */
export const targetsChangedSignal = defineSignal<[VersionedTargets]>('targetsChanged');
/** A supervisor acknowledges an alert: repeats at its level stop. Refused for an unknown or resolved alert. */
export const acknowledgeAlertUpdate = defineUpdate<AlertAck, [AcknowledgeAlert]>('acknowledgeAlert');

/** A supervisor reassigns the case to another case manager. Refused (with the reason) before it reaches history. */
export const reassignCaseUpdate = defineUpdate<CaseView, [ReassignCase]>('reassignCase');

export const BROADCAST_TARGETS_WORKFLOW_TYPE = 'broadcastTargetsWorkflow';

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

import type { CaseCommandRequest, ReleaseDecisionSignal } from './case-events';
import type { OpenCase } from './case-input';
import type { CaseView } from './case-view';

/** The case workflow's type name and its messages. The string names are part of the wire contract: never rename. */
export const CASE_WORKFLOW_TYPE = 'caseWorkflow';

export interface CaseWorkflowInput {
  open: OpenCase;
}

/** A case manager's event: accepted (new view) or refused (TransitionRefused failure). */
export const caseCommandUpdate = defineUpdate<CaseView, [CaseCommandRequest]>('caseCommand');
/** An ORR reviewer's release decision: applied when allowed, otherwise recorded as refused. */
export const releaseDecisionSignal = defineSignal<[ReleaseDecisionSignal]>('releaseDecision');
/** The live view of the case. */
export const caseViewQuery = defineQuery<CaseView>('caseView');

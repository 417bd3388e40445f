import type { CaseCommandRequest, ReleaseDecisionRequest, ReleaseDecisionSignal } from '../../src/contracts/case-events';
import type { OpenCaseRequest } from '../../src/contracts/case-input';

export const caseManager = { id: 'cm-ana', role: 'case_manager' } as const;
export const reviewer = { id: 'ffs-ben', role: 'orr_reviewer' } as const;

/** A valid case opening; override any field. The child is 9 on the admission date. */
export function openCaseRequest(caseId: string, overrides: Partial<OpenCaseRequest> = {}): OpenCaseRequest {
  return {
    caseId,
    admittedAt: '2026-11-02T14:00:00Z',
    careProviderId: 'shelter-tx-07',
    child: { birthDate: '2017-05-20' },
    openedBy: caseManager,
    ...overrides,
  };
}

export const events = {
  completeIntake: (): CaseCommandRequest => ({ type: 'COMPLETE_INTAKE', actor: caseManager }),
  identifySponsor: (category: '1' | '2A' | '2B' | '3' = '1', extra: { presentsRisk?: boolean } = {}): CaseCommandRequest => ({
    type: 'IDENTIFY_SPONSOR',
    actor: caseManager,
    sponsor: { category, ...extra },
    reason: 'Mother located through the child, phone interview done',
  }),
  completeVetting: (): CaseCommandRequest => ({ type: 'COMPLETE_VETTING', actor: caseManager }),
  completeHomeStudy: (): CaseCommandRequest => ({ type: 'COMPLETE_HOME_STUDY', actor: caseManager }),
  releaseChild: (): CaseCommandRequest => ({ type: 'RELEASE_CHILD', actor: caseManager }),
  approve: (actor: ReleaseDecisionRequest['actor'] = reviewer): ReleaseDecisionRequest => ({
    type: 'DECIDE_RELEASE',
    decision: 'approve',
    actor,
  }),
};

let signalCounter = 0;
/** The decision signal's payload, as the API sends it. */
export function decisionSignal(decision: ReleaseDecisionRequest, requestId = `req-${++signalCounter}`): ReleaseDecisionSignal {
  return { requestId, decision };
}

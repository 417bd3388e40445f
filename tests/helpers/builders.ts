import type {
  CaseCommandRequest,
  Check,
  DenialGround,
  HouseholdCheck,
  HouseholdRole,
  ReleaseDecisionRequest,
  ReleaseDecisionSignal,
  SponsorCategory,
} from '../../src/contracts/case-events';
import type { OpenCaseRequest } from '../../src/contracts/case-input';

export const caseManager = { id: 'cm-ana', role: 'case_manager' } as const;
export const coordinator = { id: 'cc-dana', role: 'case_coordinator' } as const;
export const reviewer = { id: 'ffs-ben', role: 'orr_reviewer' } as const;
export const appealReviewer = { id: 'acf-ana', role: 'appeal_reviewer' } as const;

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

type SponsorExtras = { related?: boolean; presentsRisk?: boolean; sponsoredBefore?: boolean; seekingMultiple?: boolean };
/** Whose result, when the source produced it, and its reference. */
type ResultExtras = { person?: string; obtainedAt?: string; source?: string };
type Decision = ReleaseDecisionRequest['decision'];

export const events = {
  completeIntake: (): CaseCommandRequest => ({ type: 'COMPLETE_INTAKE', actor: caseManager }),
  /** A Category 3 sponsor is a distant relative unless `related: false` says otherwise. */
  identifySponsor: (category: SponsorCategory = '1', extra: SponsorExtras = {}): CaseCommandRequest => ({
    type: 'IDENTIFY_SPONSOR',
    actor: caseManager,
    sponsor: { category, ...(category === '3' ? { related: true } : {}), ...extra },
    reason: 'Sponsor located through the child, phone interview done',
  }),
  noViableSponsor: (): CaseCommandRequest => ({
    type: 'NO_VIABLE_SPONSOR',
    actor: caseManager,
    reason: 'No relative or other adult came forward; long-term foster care planning',
  }),
  completeAssessment: (): CaseCommandRequest => ({ type: 'COMPLETE_ASSESSMENT', actor: caseManager }),
  clearCheck: (check: Check, extra: ResultExtras = {}): CaseCommandRequest => ({
    type: 'CLEAR_CHECK',
    actor: caseManager,
    check,
    ...extra,
  }),
  flagCheck: (check: Check, sponsorPresentsRisk = false, extra: ResultExtras = {}): CaseCommandRequest => ({
    type: 'FLAG_CHECK',
    actor: caseManager,
    check,
    sponsorPresentsRisk,
    reason: `Finding in the ${check} check`,
    ...extra,
  }),
  addMember: (role: HouseholdRole = 'household_member', reference?: string): CaseCommandRequest => ({
    type: 'ADD_HOUSEHOLD_MEMBER',
    actor: caseManager,
    member: { role, ...(reference ? { reference } : {}) },
  }),
  removeMember: (person: string): CaseCommandRequest => ({
    type: 'REMOVE_HOUSEHOLD_MEMBER',
    actor: caseManager,
    person,
    reason: 'Moved out of the household',
  }),
  decideHouseholdFlag: (
    person: string,
    check: HouseholdCheck,
    decision: 'mitigated' | 'presents_risk' = 'mitigated',
  ): CaseCommandRequest => ({
    type: 'DECIDE_HOUSEHOLD_FLAG',
    actor: caseManager,
    person,
    check,
    decision,
    reason: decision === 'mitigated' ? 'Safety plan agreed with the sponsor' : 'The finding shows a risk in the household',
  }),
  scheduleFingerprints: (appointmentAt: string, person?: string): CaseCommandRequest => ({
    type: 'SCHEDULE_FINGERPRINTS',
    actor: caseManager,
    appointmentAt,
    ...(person ? { person } : {}),
  }),
  recordAgeOutPlan: (plan = 'Independent living programme; adult sponsor contacted'): CaseCommandRequest => ({
    type: 'RECORD_AGE_OUT_PLAN',
    actor: caseManager,
    plan,
  }),
  fileAppeal: (appellant: 'sponsor' | 'child' = 'sponsor', sponsorId?: string): CaseCommandRequest => ({
    type: 'FILE_APPEAL',
    actor: appealReviewer,
    appellant,
    ...(sponsorId ? { sponsorId } : {}),
    reason: 'Written appeal received by the Assistant Secretary',
  }),
  acknowledgeAppeal: (appealId = 'ap-1'): CaseCommandRequest => ({ type: 'ACKNOWLEDGE_APPEAL', actor: appealReviewer, appealId }),
  decideAppeal: (decision: 'granted' | 'denied', appealId = 'ap-1'): CaseCommandRequest => ({
    type: 'DECIDE_APPEAL',
    actor: appealReviewer,
    appealId,
    decision,
    reason: `Appeal ${decision} on the record`,
  }),
  completeVetting: (): CaseCommandRequest => ({ type: 'COMPLETE_VETTING', actor: caseManager }),
  requestHomeStudy: (actor: typeof caseManager | typeof coordinator = caseManager): CaseCommandRequest => ({
    type: 'REQUEST_HOME_STUDY',
    actor,
    reason: 'More information is needed about the household',
  }),
  completeHomeStudy: (outcome: 'favourable' | 'unfavourable' = 'favourable'): CaseCommandRequest => ({
    type: 'COMPLETE_HOME_STUDY',
    actor: caseManager,
    outcome,
    reason: `Home visit done; report ${outcome}`,
  }),
  recommend: (recommendation: 'release' | 'release_with_services' | 'do_not_release' = 'release'): CaseCommandRequest => ({
    type: 'RECOMMEND_RELEASE',
    actor: caseManager,
    recommendation,
  }),
  review: (recommendation: 'approve' | 'approve_with_services' | 'deny' | 'more_assessment' = 'approve'): CaseCommandRequest => ({
    type: 'REVIEW_CASE',
    actor: coordinator,
    recommendation,
  }),
  releaseChild: (): CaseCommandRequest => ({ type: 'RELEASE_CHILD', actor: caseManager }),
  completeFollowUp: (): CaseCommandRequest => ({ type: 'COMPLETE_FOLLOW_UP', actor: caseManager }),
  sponsorWithdrew: (): CaseCommandRequest => ({
    type: 'SPONSOR_WITHDREW',
    actor: caseManager,
    reason: 'The sponsor withdrew the application',
  }),
  transfer: (toCareProviderId: string): CaseCommandRequest => ({
    type: 'TRANSFER_CARE_PROVIDER',
    actor: reviewer,
    toCareProviderId,
    reason: 'Closer to the sponsor',
  }),
  ageOut: (): CaseCommandRequest => ({ type: 'AGE_OUT', actor: caseManager, reason: 'Turned 18; post-18 plan in place' }),
  depart: (departure: 'repatriation' | 'voluntary_departure' = 'voluntary_departure'): CaseCommandRequest => ({
    type: 'DEPART',
    actor: caseManager,
    departure,
    reason: 'Granted voluntary departure by the immigration court',
  }),
  decide: (
    decision: Decision,
    extra: {
      remandTo?: 'application' | 'vetting' | 'home_study';
      recheck?: Check[];
      actor?: ReleaseDecisionRequest['actor'];
      grounds?: DenialGround[];
    } = {},
  ): ReleaseDecisionRequest => ({
    type: 'DECIDE_RELEASE',
    decision,
    actor: extra.actor ?? reviewer,
    ...(extra.remandTo ? { remandTo: extra.remandTo } : {}),
    ...(extra.remandTo === 'vetting' ? { recheck: extra.recheck ?? ['public_records'] } : {}),
    ...(decision === 'deny' || decision === 'remand' ? { reason: `Reviewer's reasons for ${decision}` } : {}),
    ...(decision === 'deny' ? { grounds: extra.grounds ?? ['risk_to_child'] } : {}),
  }),
  approve: (actor: ReleaseDecisionRequest['actor'] = reviewer): ReleaseDecisionRequest => ({
    type: 'DECIDE_RELEASE',
    decision: 'approve',
    actor,
  }),
};

/** CLEAR_CHECK for every check pending in a case's `checks` (from the view or `checkStatuses`). */
export function clearPending(checks: Partial<Record<Check, string>> | null): CaseCommandRequest[] {
  return Object.entries(checks ?? {})
    .filter(([, status]) => status === 'pending')
    .map(([check]) => events.clearCheck(check as Check));
}

let signalCounter = 0;
/** The decision signal's payload, as the API sends it. */
export function decisionSignal(decision: ReleaseDecisionRequest, requestId = `req-${++signalCounter}`): ReleaseDecisionSignal {
  return { requestId, decision };
}

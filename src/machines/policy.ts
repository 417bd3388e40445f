import type { CaseEventType, Sponsor } from '../contracts/case-events';
import type { ChildFacts } from '../contracts/case-input';
import type { Role } from '../contracts/roles';

/**
 * The release policy as data. The machine's guards and the host's checks read these tables; a
 * change here changes behaviour with no edit to the machine. Sources: ../shared/domain/.
 */

/** Which roles may send each event. The final release decision is always ORR's. */
export const EVENT_ROLES: Readonly<Record<CaseEventType, readonly Role[]>> = {
  COMPLETE_INTAKE: ['case_manager'],
  IDENTIFY_SPONSOR: ['case_manager'],
  COMPLETE_VETTING: ['case_manager'],
  COMPLETE_HOME_STUDY: ['case_manager'],
  DECIDE_RELEASE: ['orr_reviewer'],
  RELEASE_CHILD: ['case_manager'],
};

export const HOME_STUDY_TRIGGERS = [
  'child_trafficking_victim',
  'child_disability',
  'child_abuse_victim',
  'sponsor_presents_risk',
  'young_child_category_3',
] as const;
export type HomeStudyTrigger = (typeof HOME_STUDY_TRIGGERS)[number];

export interface HomeStudyPolicy {
  /** ORR policy: a child under this age released to a Category 3 sponsor needs a home study. */
  category3AgeBoundaryYears: number;
}

export const DEFAULT_HOME_STUDY_POLICY: HomeStudyPolicy = { category3AgeBoundaryYears: 12 };

/** Whole years between a YYYY-MM-DD birth date and an instant. */
export function ageInYears(birthDate: string, at: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const now = new Date(at);
  const [y, m, d] = [now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/**
 * The mandatory home-study triggers that apply (TVPRA and ORR policy). Empty: none is mandatory.
 */
export function homeStudyTriggers(
  child: ChildFacts,
  sponsor: Sponsor,
  at: string,
  policy: HomeStudyPolicy = DEFAULT_HOME_STUDY_POLICY,
): HomeStudyTrigger[] {
  const triggers: HomeStudyTrigger[] = [];
  if (child.traffickingVictim) triggers.push('child_trafficking_victim');
  if (child.disability) triggers.push('child_disability');
  if (child.abuseVictim) triggers.push('child_abuse_victim');
  if (sponsor.presentsRisk) triggers.push('sponsor_presents_risk');
  if (sponsor.category === '3' && ageInYears(child.birthDate, at) < policy.category3AgeBoundaryYears) {
    triggers.push('young_child_category_3');
  }
  return triggers;
}

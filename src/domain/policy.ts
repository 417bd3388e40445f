import type { Check, CaseEventType, Sponsor, SponsorCategory } from '../contracts/case-events';
import type { ChildFacts } from '../contracts/case-input';
import type { Role } from '../contracts/roles';

/**
 * The release policy as data (../shared/domain/release-policy.md). The machine's guards read these
 * tables when they run: changing a table changes behaviour with no edit to the machine.
 */

/** Which roles may send each event. The final release decision is always ORR's. */
export const EVENT_ROLES: Readonly<Record<CaseEventType, readonly Role[]>> = {
  COMPLETE_INTAKE: ['case_manager'],
  IDENTIFY_SPONSOR: ['case_manager'],
  NO_VIABLE_SPONSOR: ['case_manager'],
  COMPLETE_ASSESSMENT: ['case_manager'],
  CLEAR_CHECK: ['case_manager'],
  FLAG_CHECK: ['case_manager'],
  COMPLETE_VETTING: ['case_manager'],
  REQUEST_HOME_STUDY: ['case_manager', 'case_coordinator'],
  COMPLETE_HOME_STUDY: ['case_manager'],
  RECOMMEND_RELEASE: ['case_manager'],
  REVIEW_CASE: ['case_coordinator'],
  DECIDE_RELEASE: ['orr_reviewer'],
  RELEASE_CHILD: ['case_manager'],
  COMPLETE_FOLLOW_UP: ['case_manager'],
  SPONSOR_WITHDREW: ['case_manager'],
  TRANSFER_CARE_PROVIDER: ['orr_reviewer'],
  AGE_OUT: ['case_manager', 'system'],
  DEPART: ['case_manager'],
};

/**
 * How a check applies to a sponsor category: always; only "when raised" (a flagged check, a
 * mandatory home study, an especially vulnerable child or a risky sponsor); or only for a sponsor
 * related to the child.
 */
export type CheckRule = 'required' | 'when_raised' | 'if_related';

export interface PolicyProfile {
  id: string;
  /** Cases whose sponsor is identified on or after this date use this profile, until the next one. */
  effectiveFrom: string;
  source: string;
  checks: Readonly<Record<Check, Readonly<Record<SponsorCategory, CheckRule>>>>;
  /** Checks of the expedited Category 1 path (no red flags): the rest are not required. */
  expeditedChecks: readonly Check[];
  /** A child under this age released to a Category 3 sponsor needs a home study (ORR policy). */
  category3HomeStudyAgeBelow: number;
}

const all = (rule: CheckRule): Record<SponsorCategory, CheckRule> => ({ '1': rule, '2A': rule, '2B': rule, '3': rule });

const BASELINE: PolicyProfile = {
  id: 'baseline-2015',
  effectiveFrom: '2015-01-27',
  source: 'ORR UC Policy Guide section 2 (baseline), as digested in shared/domain/release-policy.md',
  checks: {
    identity: all('required'),
    relationship: { '1': 'required', '2A': 'required', '2B': 'required', '3': 'if_related' },
    public_records: all('required'),
    sex_offender: all('required'),
    fbi_fingerprint: { '1': 'when_raised', '2A': 'when_raised', '2B': 'required', '3': 'required' },
    can_registry: { '1': 'when_raised', '2A': 'when_raised', '2B': 'when_raised', '3': 'required' },
    prior_sponsorship: all('required'),
  },
  expeditedChecks: ['identity', 'relationship', 'public_records', 'sex_offender'],
  category3HomeStudyAgeBelow: 12,
};

/** Field Guidance 26 (14 Feb 2025): fingerprints for every sponsor, Category 1 included. */
const FG26: PolicyProfile = {
  ...BASELINE,
  id: 'fg26-2025',
  effectiveFrom: '2025-02-14',
  source: 'ORR Field Guidance #26 (fingerprints for all sponsors), on top of the baseline',
  checks: { ...BASELINE.checks, fbi_fingerprint: all('required') },
  expeditedChecks: [...BASELINE.expeditedChecks, 'fbi_fingerprint'],
};

/** Every profile, oldest first. */
export const POLICY_PROFILES: readonly PolicyProfile[] = [BASELINE, FG26];

/** The profile in force at an instant (ISO 8601). */
export function profileAt(at: string, profiles: readonly PolicyProfile[] = POLICY_PROFILES): PolicyProfile {
  const day = at.slice(0, 10);
  const inForce = profiles.filter((p) => p.effectiveFrom <= day).at(-1);
  if (!inForce) throw new Error(`No policy profile is in force on ${day}`);
  return inForce;
}

export function profileById(id: string, profiles: readonly PolicyProfile[] = POLICY_PROFILES): PolicyProfile {
  const profile = profiles.find((p) => p.id === id);
  if (!profile) throw new Error(`Unknown policy profile ${id}`);
  return profile;
}

export const HOME_STUDY_TRIGGERS = [
  'child_trafficking_victim',
  'child_disability',
  'child_abuse_victim',
  'sponsor_presents_risk',
  'young_child_category_3',
  'unrelated_sponsor_multiple_children',
] as const;
export type HomeStudyTrigger = (typeof HOME_STUDY_TRIGGERS)[number];

/** Whole years between a YYYY-MM-DD birth date and an instant. */
export function ageInYears(birthDate: string, at: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const now = new Date(at);
  const [y, m, d] = [now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The mandatory home-study triggers (TVPRA and ORR policy) that apply. Empty: none is mandatory. */
export function homeStudyTriggers(
  child: ChildFacts,
  sponsor: Sponsor,
  at: string,
  profile: PolicyProfile = profileAt(at),
): HomeStudyTrigger[] {
  const triggers: HomeStudyTrigger[] = [];
  if (child.traffickingVictim) triggers.push('child_trafficking_victim');
  if (child.disability) triggers.push('child_disability');
  if (child.abuseVictim) triggers.push('child_abuse_victim');
  if (sponsor.presentsRisk) triggers.push('sponsor_presents_risk');
  if (sponsor.category === '3' && ageInYears(child.birthDate, at) < profile.category3HomeStudyAgeBelow) {
    triggers.push('young_child_category_3');
  }
  if (!sponsor.related && (sponsor.sponsoredBefore || sponsor.seekingMultiple)) {
    triggers.push('unrelated_sponsor_multiple_children');
  }
  return triggers;
}

/** A Category 1 case with no red flags may take the expedited path (no third-party review, fewer checks). */
export function expeditedEligible(sponsor: Sponsor, triggers: readonly HomeStudyTrigger[], flagged: boolean): boolean {
  return sponsor.category === '1' && triggers.length === 0 && !flagged;
}

export interface CheckContext {
  profile: PolicyProfile;
  sponsor: Sponsor;
  /** Something raises the conditional checks: a flag, a mandatory home study, a vulnerable child. */
  raised: boolean;
  expedited: boolean;
}

/** Whether a check is required for this case now. */
export function checkRequired(check: Check, { profile, sponsor, raised, expedited }: CheckContext): boolean {
  if (expedited) return profile.expeditedChecks.includes(check);
  const rule = profile.checks[check][sponsor.category];
  if (rule === 'required') return true;
  if (rule === 'if_related') return sponsor.related;
  return raised;
}

export function requiredChecks(context: CheckContext, checks: readonly Check[]): Check[] {
  return checks.filter((check) => checkRequired(check, context));
}

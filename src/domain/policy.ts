import type { Check, CaseEventType, HouseholdCheck, Sponsor, SponsorCategory } from '../contracts/case-events';
import type { ChildFacts } from '../contracts/case-input';
import { ageOn } from '../contracts/case-input';
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
  ADD_HOUSEHOLD_MEMBER: ['case_manager'],
  REMOVE_HOUSEHOLD_MEMBER: ['case_manager'],
  DECIDE_HOUSEHOLD_FLAG: ['case_manager'],
  SCHEDULE_FINGERPRINTS: ['case_manager'],
  RECORD_AGE_OUT_PLAN: ['case_manager'],
  // The appeal reaches ACF in writing; a case manager who receives it may record it too.
  FILE_APPEAL: ['case_manager', 'appeal_reviewer'],
  // Decided by the Assistant Secretary's neutral designee, never by the ORR reviewer who denied.
  ACKNOWLEDGE_APPEAL: ['appeal_reviewer'],
  DECIDE_APPEAL: ['appeal_reviewer'],
};

/**
 * How a check applies to a sponsor category: always; only "when raised" (a flagged check, a
 * mandatory home study, an especially vulnerable child or a risky sponsor); or only for a sponsor
 * related to the child.
 */
export type CheckRule = 'required' | 'when_raised' | 'if_related';
/** How a check applies to each adult of the sponsor's household: always, when raised, or at ORR's discretion (never required). */
export type HouseholdCheckRule = 'required' | 'when_raised' | 'optional';

export interface AppealRules {
  /** Categories of denied sponsors who may appeal: parents and legal guardians, and from 2024 close relatives. */
  sponsorCategories: readonly SponsorCategory[];
  /** Calendar days from the denial within which a sponsor may appeal. */
  sponsorWindowDays: number;
  /** The child may appeal, at any time while in care, a denial resting only on the child being a danger (child_danger). */
  childMayAppeal: boolean;
  /** ORR acknowledges receipt within this many business days. */
  acknowledgeWithinBusinessDays: number;
}

export interface PolicyProfile {
  id: string;
  title: string;
  /** Cases whose sponsor is identified on or after this date use this profile, until the next one. */
  effectiveFrom: string;
  source: string;
  checks: Readonly<Record<Check, Readonly<Record<SponsorCategory, CheckRule>>>>;
  /** Each adult household member's and alternate caregiver's checks. */
  householdChecks: Readonly<Record<HouseholdCheck, HouseholdCheckRule>>;
  /** Whether the expedited Category 1 path (Field Guidance #10) exists. */
  expeditedPath: boolean;
  /** Checks of the expedited Category 1 path (no red flags): the rest are not required. */
  expeditedChecks: readonly Check[];
  /** A child under this age released to a Category 3 sponsor needs a home study (ORR policy). */
  category3HomeStudyAgeBelow: number;
  /** How long a result stays valid, in days from when it was obtained; a check not listed does not expire. */
  resultValidityDays: Readonly<Partial<Record<Check, number>>>;
  /** A fingerprint appointment is due within this many business days of the signed release form and photo ID. */
  fingerprintAppointmentBusinessDays: number;
  appeals: AppealRules;
  /** What else the profile changed that Reunify's tables do not hold. */
  notes: readonly string[];
  /** Where the research notes are unsure, with their tags ([R] recalled, [S] secondary, [I] inferred). */
  unsure: readonly string[];
}

const all = <T extends string>(rule: T): Record<SponsorCategory, T> => ({ '1': rule, '2A': rule, '2B': rule, '3': rule });

/** Points the research notes are unsure of, shared by the profiles they concern. */
const UNSURE = {
  split2A2B:
    'Category 2A fingerprinted only when raised, 2B always: the best reading of the 2A/2B split, not verified against section 2.5.1 [R]',
  category3Can: 'Category 3 CA/N always: a 2021 Category 3 release request reads "not required" [R]',
  expeditedDate: 'Expedited Category 1 path (Field Guidance #10): issue date not found, in use by 2022 [S]',
  validity: 'Public-records results valid 90 days: care-provider training material [S]',
  appointment: 'Fingerprint appointment within 3 business days: care-provider training material [S]',
  appealWindow: "The sponsor's window to file an appeal is not in the notes: 30 days is our default [I]",
  closeRelatives: 'Close relatives who may appeal taken as Category 2A; whether 2B immediate relatives count is not in the notes [I]',
};

const BASELINE: PolicyProfile = {
  id: 'baseline-2015',
  title: 'UC Policy Guide, the baseline',
  effectiveFrom: '2015-01-27',
  source: 'ORR UC Policy Guide section 2 (posted 27 January 2015), as digested in shared/domain/release-policy.md',
  checks: {
    identity: all('required'),
    relationship: { '1': 'required', '2A': 'required', '2B': 'required', '3': 'if_related' },
    public_records: all('required'),
    sex_offender: all('required'),
    fbi_fingerprint: { '1': 'when_raised', '2A': 'when_raised', '2B': 'required', '3': 'required' },
    can_registry: { '1': 'when_raised', '2A': 'when_raised', '2B': 'when_raised', '3': 'required' },
    prior_sponsorship: all('required'),
  },
  householdChecks: {
    identity: 'required',
    public_records: 'required',
    sex_offender: 'required',
    fbi_fingerprint: 'when_raised',
    can_registry: 'when_raised',
  },
  expeditedPath: true,
  expeditedChecks: ['identity', 'relationship', 'public_records', 'sex_offender'],
  category3HomeStudyAgeBelow: 12,
  resultValidityDays: { public_records: 90 },
  fingerprintAppointmentBusinessDays: 3,
  appeals: { sponsorCategories: ['1'], sponsorWindowDays: 30, childMayAppeal: false, acknowledgeWithinBusinessDays: 5 },
  notes: [],
  unsure: [
    UNSURE.split2A2B,
    UNSURE.category3Can,
    UNSURE.expeditedDate,
    UNSURE.validity,
    UNSURE.appointment,
    "Appeals by parents and legal guardians only [R]; the 5-business-day acknowledgement is the 2024 rule's, assumed before it [I]",
    UNSURE.appealWindow,
  ],
};

/** The June 2018 policy's and Field Guidance 26's rule: fingerprints for every sponsor, Category 1 included. */
const FINGERPRINTS_FOR_EVERY_SPONSOR = { ...BASELINE.checks, fbi_fingerprint: all<CheckRule>('required') };

const PROFILE_2018: PolicyProfile = {
  ...BASELINE,
  id: 'fingerprints-2018',
  title: 'Fingerprints for every sponsor and every adult of the household',
  effectiveFrom: '2018-06-01',
  source: 'ORR policy of June 2018 (LA Times, PBS, Mother Jones, December 2018; research notes P-2018) [V]',
  checks: FINGERPRINTS_FOR_EVERY_SPONSOR,
  householdChecks: { ...BASELINE.householdChecks, fbi_fingerprint: 'required' },
  expeditedPath: false,
  notes: ['Fingerprint results shared with ICE under the April 2018 ORR-ICE agreement [V]'],
  unsure: [
    'Effective date: the notes give June 2018 without a day; the 1st stands in',
    'No expedited path in 2018: the research table has none for that period [S]',
    UNSURE.category3Can,
    UNSURE.validity,
    UNSURE.appointment,
    UNSURE.appealWindow,
  ],
};

const ROLLBACK_2018: PolicyProfile = {
  ...PROFILE_2018,
  id: 'household-rollback-2018',
  title: 'December 2018 rollback: adults of the household fingerprinted only on a special concern again',
  effectiveFrom: '2018-12-18',
  source: 'ORR announcement of 18 December 2018 (LA Times, PBS, AP; research notes P-2018) [V]',
  householdChecks: BASELINE.householdChecks,
  unsure: [
    'Sponsors still fingerprinted, Category 1 included, until the 2019 scale-back [V]; no expedited path yet, as in June 2018 [I]',
    UNSURE.category3Can,
    UNSURE.validity,
    UNSURE.appointment,
    UNSURE.appealWindow,
  ],
};

const SCALE_BACK_2019: PolicyProfile = {
  ...BASELINE,
  id: 'scale-back-2019',
  title: "Sponsors' fingerprints scaled back to the pre-2018 rules",
  effectiveFrom: '2019-01-01',
  source: 'Duchitanga v. Lloyd: the government scaled fingerprinting back to the pre-2018 rules in 2019 (NCYL, NYCLU) [V]',
  notes: ['The April 2018 ORR-ICE information-sharing agreement stayed in force until 2021 [R]'],
  unsure: ['Effective date: the notes say only "in 2019"; 1 January 2019 stands in', ...BASELINE.unsure],
};

const FOUNDATIONAL_RULE_2024: PolicyProfile = {
  ...BASELINE,
  id: 'foundational-rule-2024',
  title: 'Foundational Rule (45 CFR 410 subpart C)',
  effectiveFrom: '2024-07-01',
  source: 'Unaccompanied Children Program Foundational Rule, 89 FR 34384 (30 April 2024), effective 1 July 2024 [V]',
  householdChecks: { ...BASELINE.householdChecks, fbi_fingerprint: 'optional' },
  appeals: { sponsorCategories: ['1', '2A'], sponsorWindowDays: 30, childMayAppeal: true, acknowledgeWithinBusinessDays: 5 },
  notes: [
    'Immigration status alone may not ground a denial, nor be collected for enforcement (45 CFR 410.1201(b)) [V]',
    'Pending applications reviewed every 90 days (45 CFR 410.1207) [V]: not a deadline Reunify keeps yet',
  ],
  unsure: [
    'Household fingerprints optional (45 CFR 410.1202) [V]: Reunify then requires none',
    UNSURE.closeRelatives,
    UNSURE.appealWindow,
    UNSURE.split2A2B,
    UNSURE.category3Can,
    UNSURE.validity,
    UNSURE.appointment,
  ],
};

/** Field Guidance 26 (14 February 2025): fingerprints for every sponsor and every adult of the household. */
const FG26: PolicyProfile = {
  ...FOUNDATIONAL_RULE_2024,
  id: 'fg26-2025',
  title: 'Field Guidance #26: fingerprints for every sponsor and adult of the household',
  effectiveFrom: '2025-02-14',
  source: 'ORR Field Guidance #26 (14 February 2025), on top of the Foundational Rule [V]/[S]',
  checks: FINGERPRINTS_FOR_EVERY_SPONSOR,
  householdChecks: { ...BASELINE.householdChecks, fbi_fingerprint: 'required' },
  expeditedChecks: [...BASELINE.expeditedChecks, 'fbi_fingerprint'],
  unsure: [
    'CA/N under Field Guidance #26 beyond fingerprints not retrieved [R]',
    UNSURE.closeRelatives,
    UNSURE.appealWindow,
    UNSURE.category3Can,
    UNSURE.validity,
    UNSURE.appointment,
  ],
};

const IFR_2025: PolicyProfile = {
  ...FG26,
  id: 'ifr-2025',
  title: 'Interim final rule of March 2025: the immigration-status protections struck',
  effectiveFrom: '2025-03-25',
  source: 'Interim final rule, 90 FR 13554 (25 March 2025) [V], on top of Field Guidance #26',
  notes: [
    'Immigration status may again be considered (45 CFR 410.1201(b) struck) [V]',
    'Proof of identity limited to listed documents and proof of income required; enjoined on 9 June 2025 for children in care on or before 22 April 2025 (Angelica S. v. HHS) [V]',
    'DNA testing reported as required in many cases, in-person identity verification from 9 July 2025 [S]',
    'Pending applications reviewed every 90 days (45 CFR 410.1207) [V]: not a deadline Reunify keeps yet',
  ],
};

/** Every profile, oldest first. */
export const POLICY_PROFILES: readonly PolicyProfile[] = [
  BASELINE,
  PROFILE_2018,
  ROLLBACK_2018,
  SCALE_BACK_2019,
  FOUNDATIONAL_RULE_2024,
  FG26,
  IFR_2025,
];

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
  'household_member_presents_risk',
] as const;
export type HomeStudyTrigger = (typeof HOME_STUDY_TRIGGERS)[number];

/**
 * From this age a post-18 plan may be recorded (our default: the plan is due 14 days before the
 * 18th birthday, form R-9, and one made years ahead would be stale).
 */
export const AGE_OUT_PLANNING_FROM_AGE = 17;

/** Whole years between a YYYY-MM-DD birth date and an instant (its UTC date). */
export function ageInYears(birthDate: string, at: string): number {
  return ageOn(birthDate, new Date(at).toISOString().slice(0, 10));
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

/** A Category 1 case with no red flags may take the expedited path (no third-party review, fewer checks), where the profile has one. */
export function expeditedEligible(
  sponsor: Sponsor,
  triggers: readonly HomeStudyTrigger[],
  flagged: boolean,
  profile: Pick<PolicyProfile, 'expeditedPath'> = { expeditedPath: true },
): boolean {
  return profile.expeditedPath && sponsor.category === '1' && triggers.length === 0 && !flagged;
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

/** Whether a check of an adult of the sponsor's household is required now: "optional" is ORR's discretion, never required. */
export function householdCheckRequired(check: HouseholdCheck, profile: PolicyProfile, raised: boolean): boolean {
  const rule = profile.householdChecks[check];
  return rule === 'required' || (rule === 'when_raised' && raised);
}

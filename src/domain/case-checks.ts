import type { Check, HouseholdCheck, HouseholdRole, Sponsor } from '../contracts/case-events';
import { CHECKS, HOUSEHOLD_CHECKS } from '../contracts/case-events';
import type { HomeStudyTrigger, PolicyProfile } from './policy';
import { checkRequired, householdCheckRequired } from './policy';

/**
 * The checks of everyone a release depends on, the sponsor and each adult of the sponsor's
 * household, as pure rules over a case's facts: which are required under a profile, what each
 * result says and until when it is valid, and what stands open. Validity counts from when the
 * source produced the result (`obtainedAt`), in exact days: a result valid 90 days expires at the
 * same time of day 90 days later, and counts as pending from then.
 */

const DAY_MS = 86_400_000;

/** A check's result as the case keeps it: dated, sourced, and who entered it. */
export interface CheckResult {
  outcome: 'cleared' | 'flagged';
  /** When the source produced it; validity counts from here. */
  obtainedAt: string;
  enteredAt: string;
  /** The actor id of whoever entered it. */
  enteredBy: string;
  /** Where it comes from, e.g. a reference number. */
  source: string | null;
}

/** What the case manager decided about a household member's flagged result. */
export interface FlagDecision {
  decision: 'mitigated' | 'presents_risk';
  at: string;
  by: string;
  reason: string;
}

/** An adult living in the sponsor's household, or an alternate caregiver named in the care plan. */
export interface HouseholdMember {
  id: string;
  role: HouseholdRole;
  /** The care provider's own reference for the person: never a name. */
  reference: string | null;
  addedAt: string;
  removedAt: string | null;
  results: Partial<Record<HouseholdCheck, CheckResult>>;
  flagDecisions: Partial<Record<HouseholdCheck, FlagDecision>>;
  fingerprintAppointment: string | null;
}

/** A flagged result's finding, whoever it concerns. */
export interface Flag {
  check: Check;
  findings: string;
  at: string;
  /** The sponsor's id or a household member's. */
  person: string;
}

/** What the check rules read of a case: its current sponsor and household and what was found. */
export interface CheckFacts {
  sponsorId: string | null;
  sponsor: Sponsor | null;
  expedited: boolean;
  flags: readonly Flag[];
  homeStudyTriggers: readonly HomeStudyTrigger[];
  homeStudy: { requested: boolean } | null;
  checkResults: Partial<Record<Check, CheckResult>>;
  household: readonly HouseholdMember[];
}

export type CheckState = 'pending' | 'cleared' | 'flagged' | 'expired' | 'not_required';

/** One check of one person, as it stands at an instant under a profile. */
export interface PersonCheck {
  personId: string;
  check: Check;
  required: boolean;
  state: CheckState;
  result: CheckResult | null;
  expiresAt: string | null;
  flagDecision: FlagDecision | null;
}

/** Something that keeps vetting from completing and ORR from approving. */
export interface OpenItem {
  personId: string;
  check: Check;
  problem: 'pending' | 'expired' | 'flag_undecided';
  /** For an expired result: when it expired. */
  expiredAt?: string;
}

/** Whether the conditional checks are raised: a flag (anyone's), a mandatory home study, or one requested. */
export function raised(facts: CheckFacts): boolean {
  return facts.flags.length > 0 || facts.homeStudyTriggers.length > 0 || (facts.homeStudy?.requested ?? false);
}

export const activeMembers = (facts: Pick<CheckFacts, 'household'>): HouseholdMember[] =>
  facts.household.filter((m) => m.removedAt === null);

/** When a result stops being valid under a profile; null for a check that does not expire. */
export function expiresAt(check: Check, result: CheckResult, profile: PolicyProfile): string | null {
  const days = profile.resultValidityDays[check];
  return days === undefined ? null : new Date(Date.parse(result.obtainedAt) + days * DAY_MS).toISOString();
}

export const isExpired = (check: Check, result: CheckResult, profile: PolicyProfile, at: string): boolean => {
  const until = expiresAt(check, result, profile);
  return until !== null && Date.parse(at) >= Date.parse(until);
};

function personCheck(
  personId: string,
  check: Check,
  input: { required: boolean; result: CheckResult | undefined; flagDecision?: FlagDecision | undefined },
  profile: PolicyProfile,
  at: string,
): PersonCheck {
  const { required, result } = input;
  const until = result ? expiresAt(check, result, profile) : null;
  const state: CheckState = !result
    ? required
      ? 'pending'
      : 'not_required'
    : until !== null && Date.parse(at) >= Date.parse(until)
      ? 'expired'
      : result.outcome;
  return { personId, check, required, state, result: result ?? null, expiresAt: until, flagDecision: input.flagDecision ?? null };
}

/** The current sponsor's checks, every one of the table, at `at`. Empty before a sponsor is identified. */
export function sponsorChecks(facts: CheckFacts, profile: PolicyProfile, at: string): PersonCheck[] {
  const { sponsor, sponsorId } = facts;
  if (!sponsor || !sponsorId) return [];
  const context = { profile, sponsor, raised: raised(facts), expedited: facts.expedited };
  return CHECKS.map((check) =>
    personCheck(sponsorId, check, { required: checkRequired(check, context), result: facts.checkResults[check] }, profile, at),
  );
}

/** A household member's checks (the household column), at `at`. */
export function memberChecks(facts: CheckFacts, member: HouseholdMember, profile: PolicyProfile, at: string): PersonCheck[] {
  const isRaised = raised(facts);
  return HOUSEHOLD_CHECKS.map((check) =>
    personCheck(
      member.id,
      check,
      {
        required: householdCheckRequired(check, profile, isRaised),
        result: member.results[check],
        flagDecision: member.flagDecisions[check],
      },
      profile,
      at,
    ),
  );
}

/** The sponsor's and every present household member's checks, sponsor first. */
export function everyonesChecks(facts: CheckFacts, profile: PolicyProfile, at: string): PersonCheck[] {
  return [...sponsorChecks(facts, profile, at), ...activeMembers(facts).flatMap((m) => memberChecks(facts, m, profile, at))];
}

/**
 * What stands open at `at`: required checks with no result, required results that have expired,
 * and a household member's flagged result nobody has decided on.
 */
export function openItems(facts: CheckFacts, profile: PolicyProfile, at: string): OpenItem[] {
  return everyonesChecks(facts, profile, at).flatMap((c): OpenItem[] => {
    if (!c.required) return [];
    if (c.state === 'pending') return [{ personId: c.personId, check: c.check, problem: 'pending' }];
    if (c.state === 'expired') return [{ personId: c.personId, check: c.check, problem: 'expired', expiredAt: c.expiresAt! }];
    if (c.state === 'flagged' && c.personId !== facts.sponsorId && !c.flagDecision) {
      return [{ personId: c.personId, check: c.check, problem: 'flag_undecided' }];
    }
    return [];
  });
}

/** The person a result is for: the sponsor unless a household member is named. */
export const personOf = (facts: Pick<CheckFacts, 'sponsorId'>, person: string | undefined): string | null => person ?? facts.sponsorId;

/** A present household member by id. */
export const memberById = (facts: Pick<CheckFacts, 'household'>, id: string | undefined): HouseholdMember | undefined =>
  facts.household.find((m) => m.id === id && m.removedAt === null);

/** One person's check as it stands, or undefined when the person is not the sponsor or a present member, or the check not theirs. */
export function checkOf(
  facts: CheckFacts,
  profile: PolicyProfile,
  at: string,
  person: string | undefined,
  check: Check,
): PersonCheck | undefined {
  const id = personOf(facts, person);
  if (id !== null && id === facts.sponsorId) return sponsorChecks(facts, profile, at).find((c) => c.check === check);
  const member = memberById(facts, id ?? undefined);
  return member ? memberChecks(facts, member, profile, at).find((c) => c.check === check) : undefined;
}

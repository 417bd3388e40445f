import type { ChildFacts } from '../contracts/case-input';
import type { PolicyEvaluation, ReleaseBlocker } from '../contracts/policy-evaluation';
import type { CheckFacts, OpenItem } from './case-checks';
import { activeMembers, everyonesChecks, openItems } from './case-checks';
import type { HomeStudyTrigger, PolicyProfile } from './policy';
import { ageInYears, expeditedEligible, homeStudyTriggers } from './policy';
import { openItemText } from './refusals';

/** What a case is evaluated on: its child, its current sponsor's file. */
export interface CaseFacts extends CheckFacts {
  child: ChildFacts;
  identifiedAt: string | null;
  profileId: string | null;
  homeStudy: { requested: boolean; outcome: 'favourable' | 'unfavourable' | null } | null;
}

/** Triggers that findings, not the facts, brought: a flag that the sponsor presents a risk, a household decision. */
const FOUND_TRIGGERS: readonly HomeStudyTrigger[] = ['sponsor_presents_risk', 'household_member_presents_risk'];

/**
 * The triggers under a profile: those of the child's and the sponsor's facts (the child's age
 * taken when the sponsor was identified, as the case itself did), and those findings brought.
 */
function triggersUnder(facts: CaseFacts, profile: PolicyProfile): HomeStudyTrigger[] {
  if (!facts.sponsor || !facts.identifiedAt) return [];
  const fromFacts = homeStudyTriggers(facts.child, facts.sponsor, facts.identifiedAt, profile);
  const found = facts.homeStudyTriggers.filter((t) => FOUND_TRIGGERS.includes(t) && !fromFacts.includes(t));
  return [...fromFacts, ...found];
}

const blockerOf = (item: OpenItem): ReleaseBlocker => ({
  code: item.problem === 'pending' ? 'check_pending' : item.problem === 'expired' ? 'check_expired' : 'flag_undecided',
  message: openItemText(item),
  personId: item.personId,
  check: item.check,
});

/**
 * A case evaluated under a profile at `at`, as it stands, changing nothing: the checks it would
 * require of the sponsor and each adult of the household, its home-study triggers, whether the
 * path would be expedited, and what would block a release.
 */
export function evaluatePolicy(facts: CaseFacts, profile: PolicyProfile, at: string): PolicyEvaluation {
  const triggers = triggersUnder(facts, profile);
  // The expedited path ends with a flag or a home study, whichever profile applies.
  const expedited =
    !!facts.sponsor && facts.homeStudy === null && expeditedEligible(facts.sponsor, triggers, facts.flags.length > 0, profile);
  const under: CaseFacts = { ...facts, homeStudyTriggers: triggers, expedited };
  const checks = everyonesChecks(under, profile, at);
  const done = facts.homeStudy?.outcome != null;
  const age = ageInYears(facts.child.birthDate, at);
  const blocksRelease: ReleaseBlocker[] = [
    ...(facts.sponsor ? [] : [{ code: 'no_sponsor' as const, message: 'No sponsor is identified.' }]),
    ...openItems(under, profile, at).map(blockerOf),
    ...(triggers.length > 0 && !done
      ? [{ code: 'home_study_outstanding' as const, message: `A home study is mandatory (${triggers.join(', ')}) and not done.` }]
      : []),
    ...(age >= 18 ? [{ code: 'child_is_adult' as const, message: `The child is ${age}: ORR releases minors only.` }] : []),
  ];
  const roles = new Map<string, PolicyEvaluation['people'][number]['role']>([
    ...(facts.sponsorId ? [[facts.sponsorId, 'sponsor'] as const] : []),
    ...activeMembers(facts).map((m) => [m.id, m.role] as const),
  ]);
  return {
    profile: {
      id: profile.id,
      title: profile.title,
      effectiveFrom: profile.effectiveFrom,
      source: profile.source,
      notes: [...profile.notes],
      unsure: [...profile.unsure],
    },
    caseProfile: facts.profileId,
    evaluatedAt: at,
    sponsorId: facts.sponsorId,
    expedited,
    homeStudy: { triggers, mandatory: triggers.length > 0, done },
    people: [...roles].map(([personId, role]) => ({
      personId,
      role,
      checks: checks.filter((c) => c.personId === personId).map((c) => ({ check: c.check, required: c.required, status: c.state })),
    })),
    blocksRelease,
  };
}

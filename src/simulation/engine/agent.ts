import type { CaseEvent, Check, Sponsor, SponsorCategory } from '../../contracts/case-events';
import { CHECKS } from '../../contracts/case-events';
import type { CaseStatus } from '../../contracts/case-status';
import type { Actor } from '../../contracts/roles';
import { peopleChecks, vettingRegions } from '../../machines/case-logic';
import type { CaseSnapshot } from '../../machines/case-status';
import type { Plan } from './plan';
import { DAY_MS, checkDays, stageDays } from './plan';
import type { Rng } from './rng';
import type { CategoryKey, Stage } from './scenario';

/**
 * The people around a simulated case: what a case manager, case coordinator or ORR reviewer sends
 * next, and when. They read the case as the machine keeps it (status, pending checks, flags, the
 * home study, the recommendation) and decide only what people decide: how long a step takes and
 * which way a judgement goes. Which checks are required, whether a home study is mandatory, whether
 * the third-party review is skipped: the statechart and the policy tables decide, as in production.
 */

export const CASE_MANAGER: Actor = { id: 'sim-case-manager', role: 'case_manager' };
const COORDINATOR: Actor = { id: 'sim-case-coordinator', role: 'case_coordinator' };
const REVIEWER: Actor = { id: 'sim-orr-reviewer', role: 'orr_reviewer' };

export interface AgentState {
  plan: Plan;
  rng: Rng;
  /** As planned at admission; `4`: no viable sponsor at first. */
  category: CategoryKey;
  snapshot: CaseSnapshot;
  status: CaseStatus;
  now: number;
  /** When each pending check comes back (ms), for the current visit to vetting. */
  checkDue: Map<Check, number>;
  /** Sponsors tried since the case was last Category 4. */
  sponsorsSinceNoViable: number;
  noViableVisits: number;
  remanded: boolean;
  moreAssessed: boolean;
  /** A step planned for `status` that waits while an expired result is obtained again. */
  held: { status: CaseStatus; step: Step } | null;
}

export interface Step {
  atMs: number;
  event: CaseEvent;
}

const after = (s: AgentState, stage: Stage, event: CaseEvent): Step => ({
  atMs: s.now + stageDays(s.plan, s.category, stage, s.rng, s.now) * DAY_MS,
  event,
});

const SPONSOR_CATEGORIES: readonly SponsorCategory[] = ['1', '2A', '2B', '3'];

function drawSponsor(s: AgentState): Sponsor {
  const mix = s.plan.scenario.mix;
  const category =
    s.category === '4'
      ? SPONSOR_CATEGORIES[s.rng.pick(SPONSOR_CATEGORIES.map((c) => mix.categories[c] ?? 0))]!
      : (s.category as SponsorCategory);
  const related = category !== '3' || s.rng.chance(mix.category3Related);
  const repeat = !related && s.rng.chance(mix.unrelatedRepeatSponsor);
  return { category, related, presentsRisk: s.rng.chance(mix.sponsorPresentsRisk), sponsoredBefore: repeat, seekingMultiple: false };
}

function identification(s: AgentState, stage: Stage): Step {
  const firstLook = s.category === '4' && s.noViableVisits === 0;
  if (stage === 'sponsor_identification' && (firstLook || s.sponsorsSinceNoViable >= s.plan.scenario.process.maxSponsors)) {
    return after(s, stage, { type: 'NO_VIABLE_SPONSOR', actor: CASE_MANAGER, reason: 'No viable sponsor identified' });
  }
  return after(s, stage, { type: 'IDENTIFY_SPONSOR', actor: CASE_MANAGER, sponsor: drawSponsor(s) });
}

function application(s: AgentState): Step {
  if (s.rng.chance(s.plan.scenario.process.withdrawal)) {
    return after(s, 'application', { type: 'SPONSOR_WITHDREW', actor: CASE_MANAGER, reason: 'Sponsor withdrew the application' });
  }
  return after(s, 'application', { type: 'COMPLETE_ASSESSMENT', actor: CASE_MANAGER });
}

/** The earliest pending check comes back; when none is pending, vetting completes. */
function vetting(s: AgentState): Step {
  const regions = vettingRegions(s.snapshot) ?? {};
  let next: Check | null = null;
  for (const check of CHECKS) {
    if (regions[check] !== 'pending') continue;
    if (!s.checkDue.has(check)) s.checkDue.set(check, s.now + checkDays(s.plan, s.category, check, s.rng, s.now) * DAY_MS);
    if (next === null || s.checkDue.get(check)! < s.checkDue.get(next)!) next = check;
  }
  if (next === null) return after(s, 'vetting', { type: 'COMPLETE_VETTING', actor: CASE_MANAGER });
  const atMs = s.checkDue.get(next)!;
  const process = s.plan.scenario.process;
  if (!s.rng.chance(process.flagCheck)) return { atMs, event: { type: 'CLEAR_CHECK', actor: CASE_MANAGER, check: next } };
  const sponsorPresentsRisk = s.rng.chance(process.flagShowsRisk);
  return { atMs, event: { type: 'FLAG_CHECK', actor: CASE_MANAGER, check: next, reason: 'Simulated finding', sponsorPresentsRisk } };
}

function homeStudy(s: AgentState): Step {
  const outcome = s.rng.chance(s.plan.scenario.process.homeStudyUnfavourable) ? 'unfavourable' : 'favourable';
  return after(s, 'home_study', { type: 'COMPLETE_HOME_STUDY', actor: CASE_MANAGER, outcome, reason: `Home study ${outcome}` });
}

function recommendation(s: AgentState): Step {
  const { homeStudy: study, flags } = s.snapshot.context;
  if (study?.outcome === 'unfavourable') {
    return after(s, 'recommendation', { type: 'RECOMMEND_RELEASE', actor: CASE_MANAGER, recommendation: 'do_not_release' });
  }
  if (!study && s.rng.chance(s.plan.scenario.process.discretionaryHomeStudy)) {
    return after(s, 'recommendation', { type: 'REQUEST_HOME_STUDY', actor: CASE_MANAGER, reason: 'More information needed' });
  }
  const recommendation = study || flags.length > 0 ? 'release_with_services' : 'release';
  return after(s, 'recommendation', { type: 'RECOMMEND_RELEASE', actor: CASE_MANAGER, recommendation });
}

function review(s: AgentState): Step {
  const { recommendation: recommended } = s.snapshot.context;
  let verdict: 'approve' | 'approve_with_services' | 'deny' | 'more_assessment' =
    recommended === 'release_with_services' ? 'approve_with_services' : 'approve';
  if (recommended === 'do_not_release') verdict = 'deny';
  else if (!s.moreAssessed && s.rng.chance(s.plan.scenario.process.moreAssessment)) {
    s.moreAssessed = true;
    verdict = 'more_assessment';
  }
  return after(s, 'third_party_review', { type: 'REVIEW_CASE', actor: COORDINATOR, recommendation: verdict });
}

function decision(s: AgentState): Step {
  const { recommendation: recommended, review: reviewed } = s.snapshot.context;
  const process = s.plan.scenario.process;
  const base = { type: 'DECIDE_RELEASE', actor: REVIEWER } as const;
  let event: CaseEvent = {
    ...base,
    decision: recommended === 'release_with_services' || reviewed === 'approve_with_services' ? 'approve_with_services' : 'approve',
  };
  if (recommended === 'do_not_release' || reviewed === 'deny' || s.rng.chance(process.denial)) {
    event = { ...base, decision: 'deny', reason: 'Release not in the child’s interest with this sponsor' };
  } else if (!s.remanded && s.rng.chance(process.remand)) {
    s.remanded = true;
    event = { ...base, decision: 'remand', remandTo: 'vetting', recheck: ['public_records'], reason: 'Public records result out of date' };
  }
  return after(s, 'release_decision', event);
}

type OpenStatus = Exclude<CaseStatus, 'closed'>;

const PLANNERS: Record<OpenStatus, (s: AgentState) => Step> = {
  intake: (s) => after(s, 'intake', { type: 'COMPLETE_INTAKE', actor: CASE_MANAGER }),
  sponsor_identification: (s) => identification(s, 'sponsor_identification'),
  no_viable_sponsor: (s) => identification(s, 'no_viable_sponsor'),
  application,
  vetting,
  home_study: homeStudy,
  recommendation,
  third_party_review: review,
  release_decision: decision,
  release_approved: (s) => after(s, 'release_approved', { type: 'RELEASE_CHILD', actor: CASE_MANAGER }),
  released: (s) => after(s, 'released', { type: 'COMPLETE_FOLLOW_UP', actor: CASE_MANAGER }),
};

/** Steps the case takes only while every required result is valid on their day. */
const NEEDS_VALID_RESULTS = new Set<CaseEvent['type']>(['COMPLETE_VETTING', 'DECIDE_RELEASE', 'RELEASE_CHILD']);

/**
 * A required result that has expired by the day of a step that needs it valid is obtained again
 * first, that day, with the outcome it had: a case manager re-runs the check rather than have the
 * step refused. Null when nothing has expired.
 */
function renewal(s: AgentState, step: Step): Step | null {
  if (!NEEDS_VALID_RESULTS.has(step.event.type)) return null;
  const expired = peopleChecks(s.snapshot, new Date(step.atMs).toISOString()).find((c) => c.required && c.state === 'expired');
  if (!expired?.result) return null;
  const { check, personId: person } = expired;
  if (expired.result.outcome === 'cleared') return { atMs: step.atMs, event: { type: 'CLEAR_CHECK', actor: CASE_MANAGER, check, person } };
  const reason = 'Simulated finding, found again';
  return { atMs: step.atMs, event: { type: 'FLAG_CHECK', actor: CASE_MANAGER, check, person, reason, sponsorPresentsRisk: false } };
}

/** What the people on the case send next, and when. */
export function nextStep(s: AgentState): Step {
  if (s.status === 'closed') throw new Error('A closed case takes no more events');
  // The step that waited for a renewal keeps its day, unless the renewal moved the case.
  const step = s.held?.status === s.status ? s.held.step : PLANNERS[s.status](s);
  s.held = null;
  const renew = renewal(s, step);
  if (!renew) return step;
  s.held = { status: s.status, step };
  return renew;
}

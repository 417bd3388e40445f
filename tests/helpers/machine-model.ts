import type { AnyStateNode, TransitionDefinition } from 'xstate';
import { getNextTransitions } from 'xstate';

import type { CaseEventType, Check, DenialGround } from '../../src/contracts/case-events';
import { CHECKS, HOUSEHOLD_CHECKS } from '../../src/contracts/case-events';
import type { Role } from '../../src/contracts/roles';
import { RoleSchema } from '../../src/contracts/roles';
import type { PersonCheck } from '../../src/domain/case-checks';
import { profileById } from '../../src/domain/policy';
import { EVENT_ROLES } from '../../src/domain/policy';
import { peopleChecks, vettingRegions } from '../../src/machines/case-logic';
import { caseMachine } from '../../src/machines/case-machine';
import { denialsOf, profilesOf } from '../../src/machines/case-machine';
import type { CaseMachine, CaseMachineEvent } from '../../src/machines/case-machine';
import type { SponsorFile } from '../../src/machines/case-machine';
import type { CaseSnapshot } from '../../src/machines/case-status';

/**
 * The case machine as a model to explore: the events a test offers in each state, a state key that
 * keeps only what changes behaviour (so the space is finite), and the machine's transitions by id.
 */

export const MODEL_AT = '2026-11-03T09:00:00.000Z';
/** A time at which the model's child (born 2017-05-20) is 18. */
export const MODEL_AT_ADULT = '2035-05-20T09:00:00.000Z';
/** A time at which the child is 17: a post-18 plan may be recorded. */
export const MODEL_AT_17 = '2034-06-01T09:00:00.000Z';
/** 91 days on: a public-records result from MODEL_AT has expired; one obtained then is new. */
export const MODEL_AT_LATE = '2027-02-02T09:00:00.000Z';
/** The model's sponsors at most: a case meets a few, and appeals make earlier ones matter. */
export const MODEL_MAX_SPONSORS = 3;
export const ROLES: readonly Role[] = RoleSchema.options;

const by = (type: CaseEventType) => ({ actor: { id: `model-${EVENT_ROLES[type][0]}`, role: EVENT_ROLES[type][0]! } });

/** A check region's live state, when vetting runs. */
function regionOf(snapshot: CaseSnapshot, check: Check): string | undefined {
  return vettingRegions(snapshot)?.[check];
}

/** The first check pending in vetting now, in table order (one order keeps the space small; every region is still reached). */
function firstPending(snapshot: CaseSnapshot): Check | undefined {
  return CHECKS.find((check) => regionOf(snapshot, check) === 'pending');
}

/**
 * What a model offers beyond the main path. Each new rule multiplies the states, so one exploration
 * takes the main path (every sponsor kind, flags, any number of sponsors) and one per rule takes
 * that rule on a smaller path: together they take every transition.
 */
export interface ModelScope {
  name: string;
  sponsors: readonly ('1' | '2B' | '3u')[];
  /** Sponsors a case meets at most (appeals make earlier ones matter to the state). */
  maxSponsors: number;
  /** Flags on the sponsor's checks (the household's member may be flagged once whenever the household is offered). */
  flags: boolean;
  household: boolean;
  renewals: boolean;
  appeals: boolean;
  /** The ways back and aside (home study asked for, remands, more assessment, transfers, withdrawal): the main path takes them. */
  detours: boolean;
}

const NEW_RULE = { maxSponsors: 1, flags: false, household: false, renewals: false, appeals: false, detours: false } as const;
export const MAIN_PATH: ModelScope = {
  ...NEW_RULE,
  name: 'main path',
  sponsors: ['1', '2B', '3u'],
  maxSponsors: Infinity,
  flags: true,
  detours: true,
};
export const SCOPES: readonly ModelScope[] = [
  MAIN_PATH,
  { ...NEW_RULE, name: 'household', sponsors: ['1'], household: true },
  { ...NEW_RULE, name: 'expired results', sponsors: ['1'], renewals: true },
  { ...NEW_RULE, name: 'appeals', sponsors: ['1'], maxSponsors: 2, appeals: true },
];
/** Everything at once: what the host is compared with in every state any exploration reached. */
export const EVERYTHING: ModelScope = {
  name: 'everything',
  sponsors: ['1', '2B', '3u'],
  maxSponsors: Infinity,
  flags: true,
  household: true,
  renewals: true,
  appeals: true,
  detours: true,
};

/** Required checks (anyone's) in a state at `at`: sponsor first, in table order. */
function openChecks(snapshot: CaseSnapshot, at: string, state: 'pending' | 'expired'): PersonCheck[] {
  return peopleChecks(snapshot, at).filter((c) => c.required && c.state === state);
}

const flagEvent = (check: Check, risk: boolean, extra: Record<string, string> = {}): CaseMachineEvent =>
  ({
    type: 'FLAG_CHECK',
    check,
    reason: 'finding',
    sponsorPresentsRisk: risk,
    at: MODEL_AT,
    ...extra,
    ...by('FLAG_CHECK'),
  }) as CaseMachineEvent;

/** The sponsor's check events: clear the first pending; one flag per sponsor, on any pending check, and the risk finding on the first. */
function sponsorCheckEvents(snapshot: CaseSnapshot, scope: ModelScope): CaseMachineEvent[] {
  const check = firstPending(snapshot);
  if (!check) return [];
  const pending = CHECKS.filter((c) => regionOf(snapshot, c) === 'pending');
  const flags =
    scope.flags && snapshot.context.flags.length === 0 ? [...pending.map((c) => flagEvent(c, false)), flagEvent(check, true)] : [];
  return [{ type: 'CLEAR_CHECK', check, at: MODEL_AT, ...by('CLEAR_CHECK') }, ...flags];
}

/** One adult per sponsor (keeps the space finite; the host is asked about a second apart): added, checked, flagged, decided, removed. */
function householdEvents(snapshot: CaseSnapshot): CaseMachineEvent[] {
  const at = MODEL_AT;
  const { context } = snapshot;
  const member = openChecks(snapshot, at, 'pending').find((c) => c.personId !== context.sponsorId);
  const fingerprints = openChecks(snapshot, at, 'pending').find((c) => c.check === 'fbi_fingerprint');
  const present = context.household.filter((m) => m.removedAt === null);
  const undecided = present.flatMap((m) =>
    HOUSEHOLD_CHECKS.filter((c) => m.results[c]?.outcome === 'flagged' && !m.flagDecisions[c]).map((c) => ({ person: m.id, check: c })),
  );
  return [
    ...(context.household.length === 0
      ? [{ type: 'ADD_HOUSEHOLD_MEMBER', member: { role: 'household_member' }, at, ...by('ADD_HOUSEHOLD_MEMBER') }]
      : []),
    ...(member ? [{ type: 'CLEAR_CHECK', check: member.check, person: member.personId, at, ...by('CLEAR_CHECK') }] : []),
    ...(member && context.flags.length === 0 ? [flagEvent(member.check, false, { person: member.personId })] : []),
    ...present.map((m) => ({ type: 'REMOVE_HOUSEHOLD_MEMBER', person: m.id, reason: 'moved out', at, ...by('REMOVE_HOUSEHOLD_MEMBER') })),
    ...undecided.flatMap(({ person, check }) =>
      (['mitigated', 'presents_risk'] as const).map((decision) => ({
        type: 'DECIDE_HOUSEHOLD_FLAG',
        person,
        check,
        decision,
        reason: 'decided',
        at,
        ...by('DECIDE_HOUSEHOLD_FLAG'),
      })),
    ),
    ...(fingerprints
      ? [{ type: 'SCHEDULE_FINGERPRINTS', person: fingerprints.personId, appointmentAt: at, at, ...by('SCHEDULE_FINGERPRINTS') }]
      : []),
  ] as CaseMachineEvent[];
}

/** A new result for the first result expired 91 days on, then: one that clears, one that flags. */
function renewalEvents(snapshot: CaseSnapshot): CaseMachineEvent[] {
  const expired = openChecks(snapshot, MODEL_AT_LATE, 'expired')[0];
  if (!expired) return [];
  return (['CLEAR_CHECK', 'FLAG_CHECK'] as const).map((type) => ({
    type,
    check: expired.check,
    person: expired.personId,
    reason: 'renewed',
    sponsorPresentsRisk: false,
    at: MODEL_AT_LATE,
    ...by(type),
  })) as CaseMachineEvent[];
}

/** Appeals: of each denial, by the sponsor and by the child; each pending one acknowledged, granted or denied. */
function appealEvents(snapshot: CaseSnapshot): CaseMachineEvent[] {
  const at = MODEL_AT;
  const { context } = snapshot;
  const pending = context.appeals.filter((a) => a.outcome === null);
  return [
    ...denialsOf(context).flatMap((d) =>
      (['sponsor', 'child'] as const).map((appellant) => ({
        type: 'FILE_APPEAL',
        appellant,
        sponsorId: d.sponsorId,
        reason: 'appeal',
        at,
        ...by('FILE_APPEAL'),
      })),
    ),
    ...pending.map((a) => ({ type: 'ACKNOWLEDGE_APPEAL', appealId: a.id, at, ...by('ACKNOWLEDGE_APPEAL') })),
    ...pending.flatMap((a) =>
      (['granted', 'denied'] as const).map((decision) => ({
        type: 'DECIDE_APPEAL',
        appealId: a.id,
        decision,
        reason: 'decided',
        at,
        ...by('DECIDE_APPEAL'),
      })),
    ),
  ] as CaseMachineEvent[];
}

function sponsorEvents(snapshot: CaseSnapshot, scope: ModelScope): CaseMachineEvent[] {
  if (snapshot.context.sponsorHistory.length >= scope.maxSponsors) return [];
  const sponsor = (category: '1' | '2B' | '3', extra: { related?: boolean; seekingMultiple?: boolean } = {}): CaseMachineEvent => ({
    type: 'IDENTIFY_SPONSOR',
    sponsor: { category, related: true, presentsRisk: false, sponsoredBefore: false, seekingMultiple: false, ...extra },
    at: MODEL_AT,
    ...by('IDENTIFY_SPONSOR'),
  });
  return scope.sponsors.map((kind) => (kind === '3u' ? sponsor('3', { related: false, seekingMultiple: true }) : sponsor(kind)));
}

/** The ways back and aside from the main path. */
function detourEvents(snapshot: CaseSnapshot): CaseMachineEvent[] {
  const at = MODEL_AT;
  const other = snapshot.context.careProviderId === 'shelter-a' ? 'shelter-b' : 'shelter-a';
  return [
    { type: 'REQUEST_HOME_STUDY', reason: 'more information', at, ...by('REQUEST_HOME_STUDY') },
    { type: 'RECOMMEND_RELEASE', recommendation: 'do_not_release', at, ...by('RECOMMEND_RELEASE') },
    { type: 'REVIEW_CASE', recommendation: 'more_assessment', at, ...by('REVIEW_CASE') },
    { type: 'SPONSOR_WITHDREW', reason: 'withdrew', at, ...by('SPONSOR_WITHDREW') },
    { type: 'TRANSFER_CARE_PROVIDER', toCareProviderId: other, reason: 'closer', at, ...by('TRANSFER_CARE_PROVIDER') },
  ];
}

function decisionEvents(scope: ModelScope): CaseMachineEvent[] {
  const decide = (
    decision: 'approve' | 'approve_with_services' | 'deny' | 'remand' | 'refer_home_study',
    extra: { remandTo?: 'application' | 'vetting' | 'home_study'; grounds?: DenialGround[] } = {},
  ): CaseMachineEvent => ({
    type: 'DECIDE_RELEASE',
    decision,
    reason: 'why',
    ...extra,
    ...(extra.remandTo === 'vetting' ? { recheck: ['public_records'] as Check[] } : {}),
    at: MODEL_AT,
    ...by('DECIDE_RELEASE'),
  });
  return [
    decide('approve'),
    decide('deny', { grounds: ['risk_to_child'] }),
    // A denial on the child's danger alone, which the child may appeal.
    ...(scope.appeals ? [decide('deny', { grounds: ['child_danger'] })] : []),
    ...(scope.detours
      ? [
          decide('approve_with_services'),
          decide('refer_home_study'),
          decide('remand', { remandTo: 'application' }),
          decide('remand', { remandTo: 'vetting' }),
          decide('remand', { remandTo: 'home_study' }),
        ]
      : []),
  ];
}

/** Events offered in a state: every event type the scope covers, with the payload variants that choose between branches. */
export function modelEvents(snapshot: CaseSnapshot, scope: ModelScope = EVERYTHING): CaseMachineEvent[] {
  const at = MODEL_AT;
  return [
    { type: 'COMPLETE_INTAKE', at, ...by('COMPLETE_INTAKE') },
    ...sponsorEvents(snapshot, scope),
    { type: 'NO_VIABLE_SPONSOR', reason: 'none', at, ...by('NO_VIABLE_SPONSOR') },
    { type: 'COMPLETE_ASSESSMENT', at, ...by('COMPLETE_ASSESSMENT') },
    ...sponsorCheckEvents(snapshot, scope),
    ...(scope.household ? householdEvents(snapshot) : []),
    ...(scope.renewals ? renewalEvents(snapshot) : []),
    { type: 'COMPLETE_VETTING', at, ...by('COMPLETE_VETTING') },
    { type: 'COMPLETE_HOME_STUDY', outcome: 'favourable', reason: 'report', at, ...by('COMPLETE_HOME_STUDY') },
    { type: 'RECOMMEND_RELEASE', recommendation: 'release', at, ...by('RECOMMEND_RELEASE') },
    { type: 'REVIEW_CASE', recommendation: 'approve', at, ...by('REVIEW_CASE') },
    ...(scope.detours ? detourEvents(snapshot) : []),
    ...decisionEvents(scope),
    ...(scope.appeals ? appealEvents(snapshot) : []),
    { type: 'RELEASE_CHILD', at, ...by('RELEASE_CHILD') },
    { type: 'COMPLETE_FOLLOW_UP', at, ...by('COMPLETE_FOLLOW_UP') },
    { type: 'RECORD_AGE_OUT_PLAN', plan: 'independent living', at: MODEL_AT_17, ...by('RECORD_AGE_OUT_PLAN') },
    { type: 'AGE_OUT', at: MODEL_AT_ADULT, ...by('AGE_OUT') },
    { type: 'DEPART', departure: 'repatriation', reason: 'court order', at, ...by('DEPART') },
  ];
}

/**
 * What of a snapshot changes what the machine does next: the state and the context its guards read.
 * Histories, timestamps, the care provider's name and recorded outcomes are left out.
 */
export function modelStateKey(snapshot: CaseSnapshot, scope: ModelScope = EVERYTHING): string {
  const { context } = snapshot;
  return JSON.stringify({
    value: snapshot.value,
    file: fileKey(context, snapshot),
    // With appeals, earlier sponsors matter: whose denial may still be appealed, and the file a granted appeal brings back.
    ...(scope.appeals
      ? {
          denied: context.sponsorHistory.flatMap((h) =>
            h.outcome === 'denied' ? [{ id: h.sponsorId, grounds: h.denial?.grounds, file: fileKey(h, snapshot) }] : [],
          ),
          appeals: context.appeals.map((a) => [a.sponsorId, a.appellant, a.acknowledgedAt !== null, a.outcome]),
        }
      : {}),
  });
}

/** A sponsor's file as it changes behaviour: results by outcome and whether they expire by MODEL_AT_LATE. */
function fileKey(file: SponsorFile, snapshot: CaseSnapshot): unknown {
  if (!file.sponsor) return null;
  const profile = profileById(file.profileId!, profilesOf(snapshot.machine));
  const result = (check: Check, r: { outcome: string; obtainedAt: string } | undefined) => {
    if (!r) return '-';
    const days = profile.resultValidityDays[check];
    const old = days !== undefined && Date.parse(r.obtainedAt) + days * 86_400_000 <= Date.parse(MODEL_AT_LATE);
    return `${r.outcome[0]}${old ? 'o' : ''}`;
  };
  return {
    sponsor: { category: file.sponsor.category, related: file.sponsor.related },
    triggers: file.homeStudyTriggers,
    expedited: file.expedited,
    flagged: file.flags.length > 0,
    homeStudyRequested: file.homeStudy?.requested ?? false,
    homeStudyDone: file.homeStudy?.outcome != null,
    results: CHECKS.map((c) => result(c, file.checkResults[c])).join(','),
    household: file.household.map((m) => ({
      removed: m.removedAt !== null,
      results: HOUSEHOLD_CHECKS.map((c) => result(c, m.results[c])).join(','),
      decided: HOUSEHOLD_CHECKS.filter((c) => m.flagDecisions[c]),
    })),
  };
}

export interface TransitionInfo {
  id: string;
  definition: TransitionDefinition<never, never>;
}

/** Every transition the machine defines, eventless ones included, with an id stable across builds. */
export function machineTransitions(machine: CaseMachine = caseMachine): TransitionInfo[] {
  const all: TransitionInfo[] = [];
  const visit = (node: AnyStateNode): void => {
    for (const [eventType, definitions] of node.transitions) {
      definitions.forEach((definition, i) => all.push({ id: `${node.id} ${eventType}#${i}`, definition: definition as never }));
    }
    (node.always ?? []).forEach((definition, i) => all.push({ id: `${node.id} always#${i}`, definition: definition as never }));
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  return all;
}

/** Every state node, by id; transient ones (left at once by an unguarded eventless transition) apart. */
export function machineStateNodes(machine: CaseMachine = caseMachine): { resting: string[]; transient: string[] } {
  const resting: string[] = [];
  const transient: string[] = [];
  const visit = (node: AnyStateNode): void => {
    (node.always?.some((t) => !t.guard) ? transient : resting).push(node.id);
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  return { resting, transient };
}

/**
 * The event types a snapshot has transitions for, guards aside, as XState's `getNextTransitions`
 * lists them (eventless ones left out). A derivation independent of the host's, which reads the
 * active state nodes' own events: the two must agree in every reachable state.
 */
export function transitionEventTypes(snapshot: CaseSnapshot): Set<string> {
  return new Set(getNextTransitions(snapshot).flatMap((t) => (t.eventType ? [t.eventType] : [])));
}

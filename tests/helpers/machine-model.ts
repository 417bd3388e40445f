import type { AnyStateNode, TransitionDefinition } from 'xstate';
import { getNextTransitions } from 'xstate';

import type { CaseEventType, Check } from '../../src/contracts/case-events';
import { CHECKS } from '../../src/contracts/case-events';
import type { Role } from '../../src/contracts/roles';
import { RoleSchema } from '../../src/contracts/roles';
import { EVENT_ROLES } from '../../src/domain/policy';
import { vettingRegions } from '../../src/machines/case-logic';
import type { CaseMachine, CaseMachineEvent } from '../../src/machines/case-machine';
import { caseMachine } from '../../src/machines/case-machine';
import type { CaseSnapshot } from '../../src/machines/case-status';

/**
 * The case machine as a model to explore: the events a test offers in each state, a state key that
 * keeps only what changes behaviour (so the space is finite), and the machine's transitions by id.
 */

export const MODEL_AT = '2026-11-03T09:00:00.000Z';
/** A time at which the model's child (born 2017-05-20) is 18. */
export const MODEL_AT_ADULT = '2035-05-20T09:00:00.000Z';
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

/** Events offered in a state: every event type, with the payload variants that choose between branches. */
export function modelEvents(snapshot: CaseSnapshot): CaseMachineEvent[] {
  const at = MODEL_AT;
  const check = firstPending(snapshot);
  const pending = CHECKS.filter((c) => regionOf(snapshot, c) === 'pending');
  const flag = (c: Check, risk: boolean): CaseMachineEvent => ({
    type: 'FLAG_CHECK',
    check: c,
    reason: 'finding',
    sponsorPresentsRisk: risk,
    at,
    ...by('FLAG_CHECK'),
  });
  const checkEvents: CaseMachineEvent[] = check
    ? [
        { type: 'CLEAR_CHECK', check, at, ...by('CLEAR_CHECK') },
        // One flag per sponsor: on any pending check, so every region's flagged result is kept and
        // restored; the risk finding on the first, enough to reach the mandatory home study.
        ...(snapshot.context.flags.length === 0 ? [...pending.map((c) => flag(c, false)), flag(check, true)] : []),
      ]
    : [];
  const sponsor = (category: '1' | '2B' | '3', extra: { related?: boolean; seekingMultiple?: boolean } = {}): CaseMachineEvent => ({
    type: 'IDENTIFY_SPONSOR',
    sponsor: { category, related: true, presentsRisk: false, sponsoredBefore: false, seekingMultiple: false, ...extra },
    at,
    ...by('IDENTIFY_SPONSOR'),
  });
  const decide = (
    decision: 'approve' | 'approve_with_services' | 'deny' | 'remand' | 'refer_home_study',
    remandTo?: 'application' | 'vetting' | 'home_study',
  ): CaseMachineEvent => ({
    type: 'DECIDE_RELEASE',
    decision,
    reason: 'why',
    ...(remandTo ? { remandTo } : {}),
    ...(remandTo === 'vetting' ? { recheck: ['public_records'] as Check[] } : {}),
    at,
    ...by('DECIDE_RELEASE'),
  });
  const other = snapshot.context.careProviderId === 'shelter-a' ? 'shelter-b' : 'shelter-a';
  return [
    { type: 'COMPLETE_INTAKE', at, ...by('COMPLETE_INTAKE') },
    sponsor('1'),
    sponsor('2B'),
    sponsor('3', { related: false, seekingMultiple: true }),
    { type: 'NO_VIABLE_SPONSOR', reason: 'none', at, ...by('NO_VIABLE_SPONSOR') },
    { type: 'COMPLETE_ASSESSMENT', at, ...by('COMPLETE_ASSESSMENT') },
    ...checkEvents,
    { type: 'COMPLETE_VETTING', at, ...by('COMPLETE_VETTING') },
    { type: 'REQUEST_HOME_STUDY', reason: 'more information', at, ...by('REQUEST_HOME_STUDY') },
    { type: 'COMPLETE_HOME_STUDY', outcome: 'favourable', reason: 'report', at, ...by('COMPLETE_HOME_STUDY') },
    { type: 'RECOMMEND_RELEASE', recommendation: 'release', at, ...by('RECOMMEND_RELEASE') },
    { type: 'RECOMMEND_RELEASE', recommendation: 'do_not_release', at, ...by('RECOMMEND_RELEASE') },
    { type: 'REVIEW_CASE', recommendation: 'approve', at, ...by('REVIEW_CASE') },
    { type: 'REVIEW_CASE', recommendation: 'more_assessment', at, ...by('REVIEW_CASE') },
    decide('approve'),
    decide('approve_with_services'),
    decide('deny'),
    decide('refer_home_study'),
    decide('remand', 'application'),
    decide('remand', 'vetting'),
    decide('remand', 'home_study'),
    { type: 'RELEASE_CHILD', at, ...by('RELEASE_CHILD') },
    { type: 'COMPLETE_FOLLOW_UP', at, ...by('COMPLETE_FOLLOW_UP') },
    { type: 'SPONSOR_WITHDREW', reason: 'withdrew', at, ...by('SPONSOR_WITHDREW') },
    { type: 'TRANSFER_CARE_PROVIDER', toCareProviderId: other, reason: 'closer', at, ...by('TRANSFER_CARE_PROVIDER') },
    { type: 'AGE_OUT', at: MODEL_AT_ADULT, ...by('AGE_OUT') },
    { type: 'DEPART', departure: 'repatriation', reason: 'court order', at, ...by('DEPART') },
  ];
}

/**
 * What of a snapshot changes what the machine does next: the state and the context its guards read.
 * Histories, timestamps, the care provider's name and recorded outcomes are left out.
 */
export function modelStateKey(snapshot: CaseSnapshot): string {
  const { context } = snapshot;
  return JSON.stringify({
    value: snapshot.value,
    sponsor: context.sponsor && { category: context.sponsor.category, related: context.sponsor.related },
    triggers: context.homeStudyTriggers,
    expedited: context.expedited,
    flagged: context.flags.length > 0,
    homeStudyRequested: context.homeStudy?.requested ?? false,
    homeStudyDone: context.homeStudy?.outcome != null,
    results: CHECKS.map((c) => context.checkResults[c]?.outcome[0] ?? '-').join(''),
  });
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

import type { AnyActorScope, AnyStateMachine } from 'xstate';
import { createActor, getStateNodes, initialTransition } from 'xstate';

import type { CaseEvent, CaseEventType, Check } from '../contracts/case-events';
import { CASE_EVENT_TYPES, CHECKS } from '../contracts/case-events';
import type { CaseStatus } from '../contracts/case-status';
import type { Actor, Role } from '../contracts/roles';
import { appealRefusal } from '../domain/appeals';
import type { CheckState, PersonCheck } from '../domain/case-checks';
import { activeMembers, checkOf, everyonesChecks, isExpired, memberById, openItems, personOf, sponsorChecks } from '../domain/case-checks';
import { AGE_OUT_PLANNING_FROM_AGE, EVENT_ROLES, ageInYears, profileById } from '../domain/policy';
import type { Refusal, RefusalReason } from '../domain/refusals';
import * as refusals from '../domain/refusals';
import { mayRequest, refuseClosed, refuseInState, refuseRole } from '../domain/refusals';
import type { CaseMachine, CaseMachineEvent, CaseMachineInput, RulesVersion } from './case-machine';
import { MAX_HOUSEHOLD, denialsOf, machineFor, profilesOf } from './case-machine';
import type { CaseSnapshot } from './case-status';
import { toCaseStatus } from './case-status';

/**
 * The decisions a host needs, as pure functions over snapshots: open a case, say which events are
 * allowed now (and for whom), and apply an event or explain why it is refused.
 */

/**
 * A case's first snapshot, on the machine of the rules it runs on; the what-if simulator passes one
 * built over other profile tables. A snapshot keeps its machine, so the functions below that take a
 * machine default to the snapshot's own.
 */
export function openCaseSnapshot(input: CaseMachineInput, machine: CaseMachine = machineFor(input.rules)): CaseSnapshot {
  const [snapshot] = initialTransition(machine, input);
  return snapshot;
}

/** The part of a snapshot a case carries into its next run (continue-as-new): plain data. */
export interface CarriedSnapshot {
  value: CaseSnapshot['value'];
  context: CaseSnapshot['context'];
}

export function carrySnapshot(snapshot: CaseSnapshot): CarriedSnapshot {
  return { value: snapshot.value, context: snapshot.context };
}

/** A carried snapshot made live again on the machine of the rules the case runs on. */
export function resumeSnapshot(carried: CarriedSnapshot, rules: RulesVersion): CaseSnapshot {
  return machineFor(rules).resolveState({ value: carried.value, context: carried.context });
}

/**
 * Event types the current state handles at all, before roles and guards: those with a transition
 * from an active state node (the state value's nodes and their ancestors), read through XState's
 * public API.
 */
export function handledEventTypes(snapshot: CaseSnapshot): Set<string> {
  return new Set(getStateNodes(snapshot.machine.root, snapshot.value).flatMap((node) => node.ownEvents));
}

/**
 * The inert scope a pure transition runs in, one per machine. XState's `transition()` builds a
 * throwaway actor for every call, and the actor computes the machine's initial state as it is
 * built: 45% of each transition's time in the worker's profile (issue 18), paid twice or more per
 * event (the validator's trial, the handler, each allowed event's trial). The scope is the one
 * `transition()` builds, kept (but for the fresh actor system `transition()` swaps in, which only
 * children with a `systemId` would need): actions are not executed (the executor drops them), and
 * the case machine spawns no actor and delays no event, so nothing of the scope reaches a snapshot.
 * Kept per machine, it is shared by every case a worker thread runs (the machines are shared
 * modules, src/worker/workflow-bundle.ts): a step is synchronous, so no two cases use it at once.
 */
const inertScopes = new WeakMap<CaseMachine, AnyActorScope>();

function inertScope(machine: CaseMachine): AnyActorScope {
  let scope = inertScopes.get(machine);
  if (!scope) {
    // Without input, as `transition()` builds it: the actor's own state is never read.
    const self = createActor(machine as AnyStateMachine);
    scope = {
      self,
      id: '',
      sessionId: '',
      logger: () => undefined,
      defer: () => undefined,
      emit: () => undefined,
      system: self.system,
      stopChild: () => undefined,
      actionExecutor: () => undefined,
    };
    inertScopes.set(machine, scope);
  }
  return scope;
}

/** The snapshot `event` leads to; the very same snapshot when no transition is taken (a guard failed). */
function step(machine: CaseMachine, snapshot: CaseSnapshot, event: CaseMachineEvent): CaseSnapshot {
  return machine.transition(snapshot, event, inertScope(machine));
}

export type CheckStatus = CheckState;

/** The profile the current sponsor is assessed under, from the profiles the snapshot's machine reads. */
const profileOf = (snapshot: CaseSnapshot, id = snapshot.context.profileId!) => profileById(id, profilesOf(snapshot.machine));

/**
 * Each of the current sponsor's checks: pending (required, no result yet), cleared or flagged,
 * expired (at `at`, counting as pending), or not required. Without `at`, results are not judged
 * for expiry. Null before a sponsor is identified.
 */
export function checkStatuses(snapshot: CaseSnapshot, at?: string): Record<Check, CheckStatus> | null {
  const { context } = snapshot;
  if (!context.sponsor || !context.profileId) return null;
  const checks = sponsorChecks(context, profileOf(snapshot), at ?? context.identifiedAt ?? context.admittedAt);
  const statuses = {} as Record<Check, CheckStatus>;
  for (const c of checks) statuses[c.check] = at === undefined && c.state === 'expired' ? c.result!.outcome : c.state;
  return statuses;
}

/** Everyone's checks at `at`: the sponsor's, then each present household member's. */
export function peopleChecks(snapshot: CaseSnapshot, at: string): PersonCheck[] {
  const { context } = snapshot;
  return context.profileId ? everyonesChecks(context, profileOf(snapshot), at) : [];
}

/** Each check region's state while vetting runs (deciding, pending, notRequired, recorded). */
export function vettingRegions(snapshot: CaseSnapshot): Record<string, string> | undefined {
  if (!snapshot.matches({ open: { sponsored: 'vetting' } })) return undefined;
  const value = snapshot.value as { open: { sponsored: { vetting: Record<string, string> } } };
  return value.open.sponsored.vetting;
}

/** What stands open at `at` for the current sponsor and household (nothing before a sponsor). */
export function openItemsOf(snapshot: CaseSnapshot, at: string) {
  const { context } = snapshot;
  return context.profileId ? openItems(context, profileOf(snapshot), at) : [];
}

const pendingText = (snapshot: CaseSnapshot, at: string): string => {
  const items = openItemsOf(snapshot, at).filter((i) => i.problem === 'pending');
  if (items.length === 0) return 'none';
  return items.map((i) => (i.personId === snapshot.context.sponsorId ? i.check : `${i.check} of ${i.personId}`)).join(', ');
};

/** Events whose acceptance depends only on the case and the time (no payload choice): tried as they are. */
const PAYLOAD_FREE = new Set<CaseEventType>([
  'COMPLETE_INTAKE',
  'COMPLETE_ASSESSMENT',
  'COMPLETE_VETTING',
  'RELEASE_CHILD',
  'COMPLETE_FOLLOW_UP',
  'AGE_OUT',
  'ADD_HOUSEHOLD_MEMBER',
  'RECORD_AGE_OUT_PLAN',
]);

/**
 * For an event whose acceptance turns on what its payload names (a person, a check, an appeal),
 * the payloads worth trying now: one per thing the case holds that it could name. Undefined for
 * an event any payload of which the stage takes (a decision can always be a denial).
 */
function candidatePayloads(snapshot: CaseSnapshot, type: CaseEventType, at: string): Record<string, unknown>[] | undefined {
  const { context } = snapshot;
  const open = peopleChecks(snapshot, at).filter((c) => c.required && (c.state === 'pending' || c.state === 'expired'));
  switch (type) {
    case 'CLEAR_CHECK':
      return open.map((c) => ({ check: c.check, person: c.personId }));
    case 'FLAG_CHECK':
      return open.map((c) => ({ check: c.check, person: c.personId, reason: 'probe', sponsorPresentsRisk: false }));
    case 'SCHEDULE_FINGERPRINTS':
      return open.filter((c) => c.check === 'fbi_fingerprint').map((c) => ({ person: c.personId, appointmentAt: at }));
    case 'REMOVE_HOUSEHOLD_MEMBER':
      return activeMembers(context).map((m) => ({ person: m.id, reason: 'probe' }));
    case 'DECIDE_HOUSEHOLD_FLAG':
      return activeMembers(context).flatMap((m) =>
        Object.keys(m.results).map((check) => ({ person: m.id, check, decision: 'mitigated', reason: 'probe' })),
      );
    case 'FILE_APPEAL':
      return denialsOf(context).flatMap((d) =>
        (['sponsor', 'child'] as const).map((appellant) => ({ appellant, sponsorId: d.sponsorId, reason: 'probe' })),
      );
    case 'ACKNOWLEDGE_APPEAL':
      return context.appeals.map((a) => ({ appealId: a.id }));
    case 'DECIDE_APPEAL':
      return context.appeals.map((a) => ({ appealId: a.id, decision: 'denied', reason: 'probe' }));
    default:
      return PAYLOAD_FREE.has(type) ? [{ member: { role: 'household_member' }, plan: 'probe' }] : undefined;
  }
}

function wouldAccept(snapshot: CaseSnapshot, type: CaseEventType, at: string, machine: CaseMachine): boolean {
  if (type === 'CLEAR_CHECK' || type === 'FLAG_CHECK') {
    // The sponsor's first results are taken by their regions while vetting runs.
    if (pendingChecks(snapshot).length > 0) return true;
  }
  const payloads = candidatePayloads(snapshot, type, at);
  if (!payloads) return true;
  const actor: Actor = { id: 'probe', role: EVENT_ROLES[type][0]! };
  return payloads.some((payload) => {
    return step(machine, snapshot, { ...payload, type, actor, at } as CaseMachineEvent) !== snapshot;
  });
}

const pendingChecks = (snapshot: CaseSnapshot): Check[] =>
  Object.entries(vettingRegions(snapshot) ?? {})
    .filter(([, state]) => state === 'pending')
    .map(([check]) => check as Check);

/** Every role's allowed events per snapshot and time: snapshots are immutable, and refusals and views ask often. */
const allowedCache = new WeakMap<CaseSnapshot, Map<string, CaseEventType[]>>();

/**
 * Events the case would accept now, optionally only those a given role may send. Events with a
 * payload are listed when some payload would be accepted (e.g. CLEAR_CHECK while a check is pending).
 */
export function allowedEvents(snapshot: CaseSnapshot, at: string, role?: Role, machine: CaseMachine = snapshot.machine): CaseEventType[] {
  if (snapshot.status === 'done') return [];
  // Cached only for the snapshot's own machine, the one every host passes.
  const cached = machine === snapshot.machine;
  let byTime = cached ? allowedCache.get(snapshot) : undefined;
  if (cached && !byTime) allowedCache.set(snapshot, (byTime = new Map()));
  let all = byTime?.get(at);
  if (!all) {
    const handled = handledEventTypes(snapshot);
    all = CASE_EVENT_TYPES.filter((type) => handled.has(type) && wouldAccept(snapshot, type, at, machine));
    byTime?.set(at, all);
  }
  return role ? all.filter((type) => mayRequest(role, type)) : [...all];
}

/** Allowed events for every role that may act now; roles with none are left out. */
export function allowedEventsByRole(
  snapshot: CaseSnapshot,
  at: string,
  machine: CaseMachine = snapshot.machine,
): Partial<Record<Role, CaseEventType[]>> {
  const byRole: Partial<Record<Role, CaseEventType[]>> = {};
  for (const type of allowedEvents(snapshot, at, undefined, machine)) {
    for (const role of EVENT_ROLES[type]) (byRole[role] ??= []).push(type);
  }
  return byRole;
}

export type { Refusal, RefusalCode } from '../domain/refusals';

export type Evaluation = { accepted: true; next: CaseSnapshot } | { accepted: false; refusal: Refusal };

/** Applies an event stamped with its time, or explains why the case refuses it. Never throws. */
export function evaluateEvent(snapshot: CaseSnapshot, event: CaseEvent, at: string, machine: CaseMachine = snapshot.machine): Evaluation {
  const status = toCaseStatus(snapshot);
  const role = event.actor.role;
  const refuse = (reason: RefusalReason): Evaluation => ({
    accepted: false,
    refusal: { ...reason, status, allowedEvents: allowedEvents(snapshot, at, role, machine) },
  });
  if (snapshot.status === 'done') return refuse(refuseClosed(status));
  if (!handledEventTypes(snapshot).has(event.type)) return refuse(refuseInState(event.type, status));
  const byRole = refuseRole(event.type, role);
  if (byRole) return refuse(byRole);
  const next = step(machine, snapshot, { ...event, at });
  // The pure API hands back the very same snapshot when no transition was taken (a guard failed).
  if (next === snapshot) return refuse({ code: 'conditions_not_met', message: explainUnmetConditions(snapshot, event, at, status) });
  return { accepted: true, next };
}

/** Why a guard refused an event the stage handles, in the terms of the policy. */
function explainUnmetConditions(snapshot: CaseSnapshot, event: CaseEvent, at: string, status: CaseStatus): string {
  const { context } = snapshot;
  const age = ageInYears(context.child.birthDate, at);
  switch (event.type) {
    case 'CLEAR_CHECK':
    case 'FLAG_CHECK':
      return explainResult(snapshot, event, at);
    case 'COMPLETE_VETTING':
      return refusals.vettingOpen(openItemsOf(snapshot, at));
    case 'DECIDE_RELEASE':
      if (event.decision === 'approve' || event.decision === 'approve_with_services')
        return refusals.approvalRefused(age, openItemsOf(snapshot, at));
      return `${event.type} does not apply to the case as it stands in ${status}.`;
    case 'RELEASE_CHILD':
      return refusals.releaseRefused(age, openItemsOf(snapshot, at));
    case 'AGE_OUT': {
      const [year, rest] = [Number(context.child.birthDate.slice(0, 4)), context.child.birthDate.slice(4)];
      return `The child is ${age}; AGE_OUT applies from the 18th birthday, ${year + 18}${rest}.`;
    }
    case 'TRANSFER_CARE_PROVIDER':
      return `The case is already with care provider ${context.careProviderId}; a transfer needs a different one.`;
    case 'RECORD_AGE_OUT_PLAN':
      return `The child is ${age}: a post-18 plan is recorded from the age of ${AGE_OUT_PLANNING_FROM_AGE}.`;
    default:
      return explainHouseholdOrAppeal(snapshot, event, at) ?? `${event.type} does not apply to the case as it stands in ${status}.`;
  }
}

function explainResult(snapshot: CaseSnapshot, event: Extract<CaseEvent, { type: 'CLEAR_CHECK' | 'FLAG_CHECK' }>, at: string): string {
  const { context } = snapshot;
  const profile = context.profileId ? profileOf(snapshot) : null;
  const person = personOf(context, event.person) ?? 'the sponsor';
  const named = profile ? checkOf(context, profile, at, event.person, event.check) : undefined;
  const obtainedAt = event.obtainedAt ?? at;
  const expiry =
    profile && context.rules >= 2 ? ({ outcome: 'cleared', obtainedAt, enteredAt: at, enteredBy: '', source: null } as const) : null;
  const why = context.expedited ? 'on the expedited Category 1 path' : `for a Category ${context.sponsor?.category} sponsor`;
  return refusals.resultRefused({
    check: event.check,
    person,
    state: named?.state,
    sponsorId: context.sponsorId,
    inVetting: vettingRegions(snapshot) !== undefined,
    obtainedInFuture: context.rules >= 2 && Date.parse(obtainedAt) > Date.parse(at) + 5 * 60_000,
    obtainedExpiredOn:
      expiry && profile && isExpired(event.check, expiry, profile, at)
        ? new Date(Date.parse(obtainedAt) + profile.resultValidityDays[event.check]! * 86_400_000).toISOString()
        : null,
    riskOnMember: event.type === 'FLAG_CHECK' && event.sponsorPresentsRisk && person !== context.sponsorId,
    notRequiredWhy: `${person === context.sponsorId ? why : 'for an adult of the household'} under ${profile?.id ?? 'the policy'} unless something raises it`,
    pendingList: pendingText(snapshot, at),
  });
}

function explainHouseholdOrAppeal(snapshot: CaseSnapshot, event: CaseEvent, at: string): string | undefined {
  const { context } = snapshot;
  switch (event.type) {
    case 'ADD_HOUSEHOLD_MEMBER':
      return refusals.householdFull(MAX_HOUSEHOLD);
    case 'REMOVE_HOUSEHOLD_MEMBER':
      return refusals.memberNotPresent(event.person);
    case 'DECIDE_HOUSEHOLD_FLAG':
      return memberById(context, event.person)
        ? refusals.householdFlagNotOpen(event.person, event.check)
        : refusals.memberNotPresent(event.person);
    case 'SCHEDULE_FINGERPRINTS':
      return refusals.noFingerprintsToSchedule(personOf(context, event.person) ?? 'the sponsor');
    case 'FILE_APPEAL':
      return (
        appealRefusal({ appellant: event.appellant, sponsorId: event.sponsorId, at }, denialsOf(context), context.appeals, (id) =>
          profileOf(snapshot, id),
        ) ?? undefined
      );
    case 'ACKNOWLEDGE_APPEAL':
    case 'DECIDE_APPEAL':
      return refusals.appealNotFound(event.appealId, context.appeals);
    default:
      return undefined;
  }
}

/** Which check and whose, which sponsor, which appeal an accepted event was about. */
export interface TransitionSubject {
  sponsorId: string | null;
  personId?: string;
  check?: Check;
  appealId?: string;
}

/** The subject of an accepted event, from the snapshots before and after it. */
export function subjectOf(before: CaseSnapshot, event: CaseEvent, after: CaseSnapshot): TransitionSubject | null {
  const sponsorId = before.context.sponsorId ?? after.context.sponsorId;
  switch (event.type) {
    case 'CLEAR_CHECK':
    case 'FLAG_CHECK':
      return { sponsorId, personId: personOf(before.context, event.person) ?? undefined, check: event.check };
    case 'DECIDE_HOUSEHOLD_FLAG':
      return { sponsorId, personId: event.person, check: event.check };
    case 'SCHEDULE_FINGERPRINTS':
      return { sponsorId, personId: personOf(before.context, event.person) ?? undefined, check: 'fbi_fingerprint' };
    case 'ADD_HOUSEHOLD_MEMBER':
      return { sponsorId, personId: after.context.household.at(-1)?.id };
    case 'REMOVE_HOUSEHOLD_MEMBER':
      return { sponsorId, personId: event.person };
    case 'IDENTIFY_SPONSOR':
      return { sponsorId: after.context.sponsorId };
    case 'FILE_APPEAL': {
      const appeal = after.context.appeals.at(-1)!;
      return { sponsorId: appeal.sponsorId, appealId: appeal.id };
    }
    case 'ACKNOWLEDGE_APPEAL':
    case 'DECIDE_APPEAL':
      return { sponsorId: before.context.appeals.find((a) => a.id === event.appealId)?.sponsorId ?? null, appealId: event.appealId };
    default:
      return sponsorId ? { sponsorId } : null;
  }
}

export { CHECKS };

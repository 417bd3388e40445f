import { getStateNodes, initialTransition, transition } from 'xstate';

import type { CaseEvent, CaseEventType, Check } from '../contracts/case-events';
import { CASE_EVENT_TYPES, CHECKS } from '../contracts/case-events';
import type { CaseStatus } from '../contracts/case-status';
import type { Actor, Role } from '../contracts/roles';
import { ageInYears, EVENT_ROLES, profileById } from '../domain/policy';
import type { Refusal, RefusalReason } from '../domain/refusals';
import { mayRequest, refuseClosed, refuseInState, refuseRole } from '../domain/refusals';
import type { CaseMachine, CaseMachineEvent, CaseMachineInput } from './case-machine';
import { caseMachine, isRequired } from './case-machine';
import type { CaseSnapshot } from './case-status';
import { toCaseStatus } from './case-status';

/**
 * The decisions a host needs, as pure functions over snapshots: open a case, say which events are
 * allowed now (and for whom), and apply an event or explain why it is refused.
 */

/**
 * Every function here takes the machine as an optional last argument: production uses the one built
 * over POLICY_PROFILES; the what-if simulator passes one built over other profile tables.
 */
export function openCaseSnapshot(input: CaseMachineInput, machine: CaseMachine = caseMachine): CaseSnapshot {
  const [snapshot] = initialTransition(machine, input);
  return snapshot;
}

/**
 * Event types the current state handles at all, before roles and guards: those with a transition
 * from an active state node (the state value's nodes and their ancestors), read through XState's
 * public API.
 */
export function handledEventTypes(snapshot: CaseSnapshot): Set<string> {
  return new Set(getStateNodes(snapshot.machine.root, snapshot.value).flatMap((node) => node.ownEvents));
}

export type CheckStatus = 'pending' | 'cleared' | 'flagged' | 'not_required';

/**
 * Each check's status for the current sponsor: live while vetting runs; elsewhere its recorded
 * result, or pending when the policy requires it now and it has none (before vetting, or raised
 * later by a home study). Null before a sponsor is identified.
 */
export function checkStatuses(snapshot: CaseSnapshot): Record<Check, CheckStatus> | null {
  if (!snapshot.context.sponsor) return null;
  const vetting = vettingRegions(snapshot);
  const statuses = {} as Record<Check, CheckStatus>;
  for (const check of CHECKS) {
    const live = vetting?.[check];
    if (live === 'pending' || live === 'deciding') statuses[check] = 'pending';
    else if (live === 'notRequired') statuses[check] = 'not_required';
    else
      statuses[check] = snapshot.context.checkResults[check]?.outcome ?? (isRequired(snapshot.context, check) ? 'pending' : 'not_required');
  }
  return statuses;
}

/** Each check region's state while vetting runs (deciding, pending, notRequired, cleared, flagged). */
export function vettingRegions(snapshot: CaseSnapshot): Record<string, string> | undefined {
  if (!snapshot.matches({ open: { sponsored: 'vetting' } })) return undefined;
  const value = snapshot.value as { open: { sponsored: { vetting: Record<string, string> } } };
  return value.open.sponsored.vetting;
}

const pendingChecks = (snapshot: CaseSnapshot): Check[] =>
  Object.entries(vettingRegions(snapshot) ?? {})
    .filter(([, state]) => state === 'pending')
    .map(([check]) => check as Check);

/**
 * Events whose acceptance depends only on the case and the time (no payload choice): the host can
 * try them to tell a caller whether they would be accepted now, not just whether the stage knows them.
 */
const PAYLOAD_FREE = new Set<CaseEventType>([
  'COMPLETE_INTAKE',
  'COMPLETE_ASSESSMENT',
  'COMPLETE_VETTING',
  'RELEASE_CHILD',
  'COMPLETE_FOLLOW_UP',
  'AGE_OUT',
]);

function wouldAccept(snapshot: CaseSnapshot, type: CaseEventType, at: string, machine: CaseMachine): boolean {
  if (type === 'CLEAR_CHECK' || type === 'FLAG_CHECK') return pendingChecks(snapshot).length > 0;
  if (!PAYLOAD_FREE.has(type)) return true;
  const actor: Actor = { id: 'probe', role: EVENT_ROLES[type][0]! };
  const [next] = transition(machine, snapshot, { type, actor, at } as CaseMachineEvent);
  return next !== snapshot;
}

/**
 * Events the case would accept now, optionally only those a given role may send. Events with a
 * payload are listed when some payload would be accepted (e.g. CLEAR_CHECK while a check is pending).
 */
export function allowedEvents(snapshot: CaseSnapshot, at: string, role?: Role, machine: CaseMachine = caseMachine): CaseEventType[] {
  if (snapshot.status === 'done') return [];
  const handled = handledEventTypes(snapshot);
  return CASE_EVENT_TYPES.filter(
    (type) => handled.has(type) && (!role || mayRequest(role, type)) && wouldAccept(snapshot, type, at, machine),
  );
}

/** Allowed events for every role that may act now; roles with none are left out. */
export function allowedEventsByRole(
  snapshot: CaseSnapshot,
  at: string,
  machine: CaseMachine = caseMachine,
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
export function evaluateEvent(snapshot: CaseSnapshot, event: CaseEvent, at: string, machine: CaseMachine = caseMachine): Evaluation {
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
  const [next] = transition(machine, snapshot, { ...event, at });
  // The pure API hands back the very same snapshot when no transition was taken (a guard failed).
  if (next === snapshot) return refuse({ code: 'conditions_not_met', message: explainUnmetConditions(snapshot, event, at, status) });
  return { accepted: true, next };
}

/** Why a guard refused an event the stage handles, in the terms of the policy. */
function explainUnmetConditions(snapshot: CaseSnapshot, event: CaseEvent, at: string, status: CaseStatus): string {
  const { context } = snapshot;
  switch (event.type) {
    case 'CLEAR_CHECK':
    case 'FLAG_CHECK': {
      const current = checkStatuses(snapshot)?.[event.check];
      if (current === 'not_required') {
        const profile = context.profileId ? profileById(context.profileId).id : 'the policy';
        const why = context.expedited ? 'on the expedited Category 1 path' : `for a Category ${context.sponsor?.category} sponsor`;
        return `The ${event.check} check is not required ${why} under ${profile} unless something raises it; checks pending: ${listOrNone(pendingChecks(snapshot))}.`;
      }
      return `The ${event.check} check is already ${current}; checks pending: ${listOrNone(pendingChecks(snapshot))}.`;
    }
    case 'COMPLETE_VETTING':
      return `Vetting cannot complete while checks are pending: ${pendingChecks(snapshot).join(', ')}. Clear or flag each first.`;
    case 'AGE_OUT': {
      const [year, rest] = [Number(context.child.birthDate.slice(0, 4)), context.child.birthDate.slice(4)];
      return `The child is ${ageInYears(context.child.birthDate, at)}; AGE_OUT applies from the 18th birthday, ${year + 18}${rest}.`;
    }
    case 'RELEASE_CHILD':
      return `The child is ${ageInYears(context.child.birthDate, at)}: ORR releases minors only; close the case with AGE_OUT.`;
    case 'TRANSFER_CARE_PROVIDER':
      return `The case is already with care provider ${context.careProviderId}; a transfer needs a different one.`;
    default:
      return `${event.type} does not apply to the case as it stands in ${status}.`;
  }
}

const listOrNone = (items: readonly string[]): string => (items.length > 0 ? items.join(', ') : 'none');

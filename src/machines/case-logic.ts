import { initialTransition, transition } from 'xstate';

import type { CaseEvent, CaseEventType } from '../contracts/case-events';
import { CASE_EVENT_TYPES } from '../contracts/case-events';
import type { CaseStatus } from '../contracts/case-status';
import type { Role } from '../contracts/roles';
import type { CaseMachineInput } from './case-machine';
import { caseMachine } from './case-machine';
import type { CaseSnapshot } from './case-status';
import { toCaseStatus } from './case-status';
import { EVENT_ROLES } from './policy';

/**
 * The decisions a host needs, as pure functions over snapshots: open a case, say which events are
 * allowed now (and for whom), and apply an event or explain why it is refused.
 */

export function openCaseSnapshot(input: CaseMachineInput): CaseSnapshot {
  const [snapshot] = initialTransition(caseMachine, input);
  return snapshot;
}

/** Event types the current state handles at all, before roles and guards. */
function handledEventTypes(snapshot: CaseSnapshot): Set<string> {
  return new Set(snapshot._nodes.flatMap((node) => node.ownEvents));
}

/** Events the current state accepts, optionally only those a given role may send. */
export function allowedEvents(snapshot: CaseSnapshot, role?: Role): CaseEventType[] {
  const handled = handledEventTypes(snapshot);
  return CASE_EVENT_TYPES.filter((type) => handled.has(type) && (!role || EVENT_ROLES[type].includes(role)));
}

/** Allowed events for every role that may act now; roles with none are left out. */
export function allowedEventsByRole(snapshot: CaseSnapshot): Partial<Record<Role, CaseEventType[]>> {
  const byRole: Partial<Record<Role, CaseEventType[]>> = {};
  for (const type of allowedEvents(snapshot)) {
    for (const role of EVENT_ROLES[type]) (byRole[role] ??= []).push(type);
  }
  return byRole;
}

export type RefusalCode = 'not_allowed_in_state' | 'role_not_permitted' | 'conditions_not_met' | 'case_closed';

export interface Refusal {
  code: RefusalCode;
  /** A sentence for a person: what was refused and why. */
  message: string;
  status: CaseStatus;
  /** What the sender's role may send now. */
  allowedEvents: CaseEventType[];
}

export type Evaluation = { accepted: true; next: CaseSnapshot } | { accepted: false; refusal: Refusal };

/** Applies an event stamped with its time, or explains why the case refuses it. Never throws. */
export function evaluateEvent(snapshot: CaseSnapshot, event: CaseEvent, at: string): Evaluation {
  const status = toCaseStatus(snapshot);
  const role = event.actor.role;
  const refuse = (code: RefusalCode, message: string): Evaluation => ({
    accepted: false,
    refusal: { code, message, status, allowedEvents: allowedEvents(snapshot, role) },
  });
  if (snapshot.status === 'done') return refuse('case_closed', `The case is ${status} and accepts no more events.`);
  if (!handledEventTypes(snapshot).has(event.type)) {
    return refuse('not_allowed_in_state', `${event.type} is not allowed while the case is in ${status}.`);
  }
  if (!EVENT_ROLES[event.type].includes(role)) {
    return refuse(
      'role_not_permitted',
      `${event.type} may be sent by ${EVENT_ROLES[event.type].join(' or ')}, not by ${role}.`,
    );
  }
  const [next] = transition(caseMachine, snapshot, { ...event, at });
  // The pure API hands back the very same snapshot when no transition was taken (a guard failed).
  if (next === snapshot) {
    return refuse('conditions_not_met', `${event.type} does not apply to the case as it stands in ${status}.`);
  }
  return { accepted: true, next };
}

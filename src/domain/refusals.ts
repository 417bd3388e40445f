import { z } from 'zod';

import type { CaseEventType, Check } from '../contracts/case-events';
import { CaseEventTypeSchema } from '../contracts/case-events';
import type { CaseStatus } from '../contracts/case-status';
import { CaseStatusSchema } from '../contracts/case-status';
import type { Role } from '../contracts/roles';
import type { Appeal } from './appeals';
import type { OpenItem } from './case-checks';
import { EVENT_ROLES } from './policy';

/**
 * Why a case refuses an event, built in one place for every host that asks: the case's own logic
 * (its workflow, for any caller) and the API (which refuses a role before asking the case).
 */

export const RefusalCodeSchema = z.enum(['not_allowed_in_state', 'role_not_permitted', 'conditions_not_met', 'case_closed']);
export type RefusalCode = z.infer<typeof RefusalCodeSchema>;

/** A refusal as the case gives it, and as it travels in a TransitionRefused failure's details. */
export const RefusalSchema = z.object({
  code: RefusalCodeSchema,
  /** A sentence for a person: what was refused and why. */
  message: z.string(),
  status: CaseStatusSchema,
  /** What the sender's role may send now. */
  allowedEvents: z.array(CaseEventTypeSchema),
});
export type Refusal = z.infer<typeof RefusalSchema>;

/** The why of a refusal, without the case's state: what a host can say before it asks the case. */
export type RefusalReason = Pick<Refusal, 'code' | 'message'>;

/** Whether the policy lets a role send an event at all (the case's state aside). */
export function mayRequest(role: Role, type: CaseEventType): boolean {
  return EVENT_ROLES[type].includes(role);
}

/** The refusal of an event from a role the policy does not let send it; none when it may. */
export function refuseRole(type: CaseEventType, role: Role): RefusalReason | undefined {
  if (mayRequest(role, type)) return undefined;
  return { code: 'role_not_permitted', message: `${type} may be sent by ${EVENT_ROLES[type].join(' or ')}, not by ${role}.` };
}

export function refuseClosed(status: CaseStatus | 'closed'): RefusalReason {
  return { code: 'case_closed', message: `The case is ${status} and accepts no more events.` };
}

export function refuseInState(type: CaseEventType, status: CaseStatus): RefusalReason {
  return { code: 'not_allowed_in_state', message: `${type} is not allowed while the case is in ${status}.` };
}

/** Roles that acknowledge alerts: the supervisors they go to. */
const ACKNOWLEDGING_ROLES: readonly Role[] = ['supervisor'];

/** The refusal of an acknowledgement from a role that does not acknowledge alerts; none when it may. */
export function refuseAcknowledgement(role: Role): RefusalReason | undefined {
  if (ACKNOWLEDGING_ROLES.includes(role)) return undefined;
  return { code: 'role_not_permitted', message: `Alerts are acknowledged by a supervisor, not by ${role}.` };
}

/*
 * The policy's own refusals: each sentence names what is open (the check, whose, and for an
 * expired result the day it expired) and ends with a full stop.
 */

const day = (iso: string): string => iso.slice(0, 10);

/** One open item for a person: `public_records of sp-2 (expired on 2027-02-28)`. */
export function openItemText(item: OpenItem): string {
  const what = `${item.check} of ${item.personId}`;
  if (item.problem === 'expired') return `${what} (expired on ${day(item.expiredAt!)})`;
  if (item.problem === 'flag_undecided') return `${what} (flagged, no decision on it)`;
  return `${what} (pending)`;
}

const openList = (items: readonly OpenItem[]): string => items.map(openItemText).join(', ');

export function vettingOpen(items: readonly OpenItem[]): string {
  return `Vetting cannot complete while checks are open: ${openList(items)}. Clear or flag each pending check, enter a new result for each expired one, and decide each household flag.`;
}

/** Why ORR may not approve: the child's age first, then what stands open. */
export function approvalRefused(age: number, items: readonly OpenItem[]): string {
  if (age >= 18) return `The child is ${age}: ORR approves the release of minors only; the case closes by age-out.`;
  return `ORR cannot approve while checks are open: ${openList(items)}.`;
}

export function releaseRefused(age: number, items: readonly OpenItem[]): string {
  if (age >= 18) return `The child is ${age}: ORR releases minors only; close the case with AGE_OUT.`;
  return `The child cannot be released while checks are open: ${openList(items)}. Enter a new result for each first.`;
}

/** Why a result for a check is refused, from what the case knows of it. */
export function resultRefused(input: {
  check: Check;
  person: string;
  /** The person's check as it stands, or undefined when the person is not the sponsor or a present member. */
  state: 'pending' | 'cleared' | 'flagged' | 'expired' | 'not_required' | undefined;
  sponsorId: string | null;
  inVetting: boolean;
  obtainedInFuture: boolean;
  obtainedExpiredOn: string | null;
  riskOnMember: boolean;
  notRequiredWhy: string;
  pendingList: string;
}): string {
  const { check, person, state } = input;
  if (state === undefined) {
    return input.sponsorId
      ? `${person} is neither the sponsor (${input.sponsorId}) nor a present member of the sponsor's household.`
      : 'No sponsor is identified: there is no check to record.';
  }
  if (input.obtainedInFuture)
    return `The ${check} result of ${person} says it was obtained in the future: obtainedAt must not be after now.`;
  if (input.obtainedExpiredOn)
    return `The ${check} result of ${person} expired on ${day(input.obtainedExpiredOn)} already: enter a newer one.`;
  if (input.riskOnMember)
    return `sponsorPresentsRisk is for the sponsor's own checks; decide a household member's flag with DECIDE_HOUSEHOLD_FLAG.`;
  if (state === 'not_required')
    return `The ${check} check of ${person} is not required ${input.notRequiredWhy}; checks pending: ${input.pendingList}.`;
  if (state === 'pending' && !input.inVetting)
    return `The ${check} check of ${person} is entered in vetting; the case is not in vetting now.`;
  if (state === 'pending') return `The ${check} result of ${person} cannot be taken now; checks pending: ${input.pendingList}.`;
  return `The ${check} check of ${person} is already ${state}; checks pending: ${input.pendingList}.`;
}

export function appealNotFound(appealId: string, appeals: readonly Appeal[]): string {
  const appeal = appeals.find((a) => a.id === appealId);
  if (!appeal) return `${appealId} is not an appeal of this case.`;
  if (appeal.outcome) return `Appeal ${appealId} is closed: ${appeal.outcome} on ${day(appeal.decidedAt!)}.`;
  return `Appeal ${appealId} was acknowledged on ${day(appeal.acknowledgedAt!)} already.`;
}

export function householdFlagNotOpen(person: string, check: Check): string {
  return `No flagged ${check} result of ${person} awaits a decision.`;
}

export function memberNotPresent(person: string): string {
  return `${person} is not a present member of the sponsor's household.`;
}

export function householdFull(max: number): string {
  return `The household already counts ${max} adults, the most a case holds: remove one who has left first.`;
}

export function noFingerprintsToSchedule(person: string): string {
  return `No fingerprints of ${person} are required and awaiting a result.`;
}

/** Roles that reassign cases: the case managers' supervisors. */
const REASSIGNING_ROLES: readonly Role[] = ['supervisor'];

/** The refusal of a reassignment from a role that does not reassign cases; none when it may. */
export function refuseReassignment(role: Role): RefusalReason | undefined {
  if (REASSIGNING_ROLES.includes(role)) return undefined;
  return { code: 'role_not_permitted', message: `Cases are reassigned by a supervisor, not by ${role}.` };
}

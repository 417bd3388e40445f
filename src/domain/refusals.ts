import { z } from 'zod';

import type { CaseEventType } from '../contracts/case-events';
import { CaseEventTypeSchema } from '../contracts/case-events';
import type { CaseStatus } from '../contracts/case-status';
import { CaseStatusSchema } from '../contracts/case-status';
import type { Role } from '../contracts/roles';
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

/** Roles that reassign cases: the case managers' supervisors. */
const REASSIGNING_ROLES: readonly Role[] = ['supervisor'];

/** The refusal of a reassignment from a role that does not reassign cases; none when it may. */
export function refuseReassignment(role: Role): RefusalReason | undefined {
  if (REASSIGNING_ROLES.includes(role)) return undefined;
  return { code: 'role_not_permitted', message: `Cases are reassigned by a supervisor, not by ${role}.` };
}

import type { Principal } from '../auth/tokens';
import type { CaseEventType } from '../contracts/case-events';
import { refuseAcknowledgement, refuseRole } from '../domain/refusals';
import { AppError, refused } from './errors';

/**
 * Who may do what. A case's own events follow the policy table (src/domain/refusals.ts); the rest
 * is here: opening cases, targets, the payload codec, and care-provider scope.
 */

/** Care-provider scope: case managers (and supervisors with a care provider) act on their own cases only. */
export function scopeOf(principal: Principal): string | undefined {
  if (principal.role === 'case_manager' || principal.role === 'supervisor') return principal.careProviderId;
  return undefined;
}

export function assertInScope(principal: Principal, careProviderId: string, what: string): void {
  const scope = scopeOf(principal);
  if (scope !== undefined && scope !== careProviderId) {
    throw new AppError('out_of_scope', `${what} belongs to another care provider; your token is for ${scope}.`);
  }
}

/**
 * The care provider a list is filtered to: the caller's own when scoped (asking for another's is
 * refused), else the one asked for, if any.
 */
export function listScope(principal: Principal, requested: string | undefined, what: string): string | undefined {
  const scope = scopeOf(principal);
  if (scope && requested && requested !== scope) {
    throw new AppError('out_of_scope', `Your token is for care provider ${scope}; you cannot list ${requested}'s ${what}.`);
  }
  return scope ?? requested;
}

export function assertMaySend(principal: Principal, type: CaseEventType): void {
  const refusal = refuseRole(type, principal.role);
  if (refusal) throw refused(refusal);
}

export function assertMayAcknowledge(principal: Principal): void {
  const refusal = refuseAcknowledgement(principal.role);
  if (refusal) throw refused(refusal);
}

export function assertMayOpenCases(principal: Principal): void {
  if (principal.role !== 'case_manager') {
    throw new AppError('role_not_permitted', `Cases are opened by a case manager, not by ${principal.role}.`);
  }
}

export function assertMayChangeTargets(principal: Principal): void {
  if (principal.role !== 'admin') throw new AppError('role_not_permitted', `Targets are changed by an admin, not by ${principal.role}.`);
}

/** Decoded payloads show every care provider's children: only roles that see every case may decode. */
const DECODING_ROLES: ReadonlySet<string> = new Set(['orr_reviewer', 'supervisor', 'admin']);

export function assertMayUsePayloadCodec(principal: Principal): void {
  const scope = scopeOf(principal);
  if (!DECODING_ROLES.has(principal.role) || scope !== undefined) {
    const who = DECODING_ROLES.has(principal.role) ? `a ${principal.role} scoped to ${scope}` : principal.role;
    throw new AppError('role_not_permitted', `Payloads are decoded for ORR reviewers, unscoped supervisors and admins, not for ${who}.`);
  }
}

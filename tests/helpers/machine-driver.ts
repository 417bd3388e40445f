import type { CaseEvent } from '../../src/contracts/case-events';
import { CaseCommandSchema, ReleaseDecisionSchema } from '../../src/contracts/case-events';
import type { OpenCaseRequest } from '../../src/contracts/case-input';
import { OpenCaseSchema } from '../../src/contracts/case-input';
import { checkStatuses, evaluateEvent, openCaseSnapshot } from '../../src/machines/case-logic';
import type { CaseSnapshot } from '../../src/machines/case-status';
import { clearPending, openCaseRequest } from './builders';

/** Pure-machine test helpers: no Temporal, no database. */

export const AT = '2026-11-03T09:00:00.000Z';

export function openSnapshot(overrides: Partial<OpenCaseRequest> = {}): CaseSnapshot {
  return openCaseSnapshot(OpenCaseSchema.parse(openCaseRequest('UC-M-1', overrides)));
}

export function parseEvent(event: unknown): CaseEvent {
  const e = event as { type: string };
  return e.type === 'DECIDE_RELEASE' ? ReleaseDecisionSchema.parse(event) : CaseCommandSchema.parse(event);
}

/** A step: an event request, or a function of the snapshot giving events (e.g. clear what is pending). */
export type Step = unknown | ((snapshot: CaseSnapshot) => unknown[]);

/** Clears every check pending now. */
export const CLEAR_PENDING: Step = (s: CaseSnapshot) => clearPending(checkStatuses(s));

/** Applies steps in order; throws on the first refusal, with its message. */
export function drive(snapshot: CaseSnapshot, ...steps: Step[]): CaseSnapshot {
  let current = snapshot;
  for (const step of steps) {
    const batch = typeof step === 'function' ? (step as (s: CaseSnapshot) => unknown[])(current) : [step];
    for (const event of batch) {
      const outcome = evaluateEvent(current, parseEvent(event), AT);
      if (!outcome.accepted) throw new Error(`refused ${(event as { type: string }).type}: ${outcome.refusal.message}`);
      current = outcome.next;
    }
  }
  return current;
}

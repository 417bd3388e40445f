import { initialTransition } from 'xstate';

import type { CaseEvent } from '../../src/contracts/case-events';
import { CaseCommandSchema, ReleaseDecisionSchema } from '../../src/contracts/case-events';
import type { OpenCaseRequest } from '../../src/contracts/case-input';
import { OpenCaseSchema } from '../../src/contracts/case-input';
import type { PolicyProfile } from '../../src/domain/policy';
import { profileById } from '../../src/domain/policy';
import type { Refusal } from '../../src/domain/refusals';
import { evaluateEvent, openCaseSnapshot, peopleChecks } from '../../src/machines/case-logic';
import type { RulesVersion } from '../../src/machines/case-machine';
import { createCaseMachine } from '../../src/machines/case-machine';
import type { CaseSnapshot } from '../../src/machines/case-status';
import { events, openCaseRequest } from './builders';

/** Pure-machine test helpers: no Temporal, no database. */

export const AT = '2026-11-03T09:00:00.000Z';

export function openSnapshot(overrides: Partial<OpenCaseRequest> = {}, rules?: RulesVersion): CaseSnapshot {
  return openCaseSnapshot({ ...OpenCaseSchema.parse(openCaseRequest('UC-M-1', overrides)), ...(rules ? { rules } : {}) });
}

/** A case on a machine over other policy tables: the profiles given by id (a sponsor identified at AT gets the last). */
export function openSnapshotUnder(profileIds: string[], overrides: Partial<OpenCaseRequest> = {}): CaseSnapshot {
  const profiles: PolicyProfile[] = profileIds.map((id, i) => ({ ...profileById(id), effectiveFrom: `2015-01-0${i + 1}` }));
  const [snapshot] = initialTransition(createCaseMachine(profiles), OpenCaseSchema.parse(openCaseRequest('UC-M-1', overrides)));
  return snapshot;
}

export function parseEvent(event: unknown): CaseEvent {
  const e = event as { type: string };
  return e.type === 'DECIDE_RELEASE' ? ReleaseDecisionSchema.parse(event) : CaseCommandSchema.parse(event);
}

/** A step: an event request, or a function of the snapshot giving events (e.g. clear what is pending). */
export type Step = unknown | ((snapshot: CaseSnapshot) => unknown[]);

/** Clears every check pending now: the sponsor's and each household member's. */
export const CLEAR_PENDING = (s: CaseSnapshot): unknown[] =>
  peopleChecks(s, AT)
    .filter((c) => c.required && c.state === 'pending')
    .map((c) => events.clearCheck(c.check, c.personId === s.context.sponsorId ? {} : { person: c.personId }));

/** Clears the sponsor's pending checks only. */
export const CLEAR_SPONSOR_PENDING = (s: CaseSnapshot): unknown[] =>
  peopleChecks(s, AT)
    .filter((c) => c.personId === s.context.sponsorId && c.required && c.state === 'pending')
    .map((c) => events.clearCheck(c.check));

/** Applies steps in order at AT; throws on the first refusal, with its message. */
export function drive(snapshot: CaseSnapshot, ...steps: Step[]): CaseSnapshot {
  return driveAt(AT, snapshot, ...steps);
}

/** Applies steps in order at `at`; throws on the first refusal, with its message. */
export function driveAt(at: string, snapshot: CaseSnapshot, ...steps: Step[]): CaseSnapshot {
  let current = snapshot;
  for (const step of steps) {
    const batch = typeof step === 'function' ? (step as (s: CaseSnapshot) => unknown[])(current) : [step];
    for (const event of batch) {
      const outcome = evaluateEvent(current, parseEvent(event), at);
      if (!outcome.accepted) throw new Error(`refused ${(event as { type: string }).type}: ${outcome.refusal.message}`);
      current = outcome.next;
    }
  }
  return current;
}

/** The refusal of an event at `at` (AT by default); throws if the case accepts it. */
export function refusalOf(snapshot: CaseSnapshot, event: unknown, at = AT): Refusal {
  const outcome = evaluateEvent(snapshot, parseEvent(event), at);
  if (outcome.accepted) throw new Error(`expected a refusal of ${(event as { type: string }).type}`);
  return outcome.refusal;
}

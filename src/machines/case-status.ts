import type { SnapshotFrom, StateValue } from 'xstate';

import type { CaseStatus } from '../contracts/case-status';
import type { CaseMachine } from './case-machine';

export type CaseSnapshot = SnapshotFrom<CaseMachine>;

/** States that only group stages; the stage is the first state below them. */
export const GROUPING_STATES = new Set(['open', 'sponsored']);

/** Stage (machine state path) to public status. Every stage must appear here. */
export const STAGE_TO_STATUS = {
  'open.intake': 'intake',
  'open.sponsorIdentification': 'sponsor_identification',
  'open.noViableSponsor': 'no_viable_sponsor',
  'open.sponsored.application': 'application',
  'open.sponsored.vetting': 'vetting',
  'open.sponsored.homeStudy': 'home_study',
  'open.sponsored.recommendation': 'recommendation',
  'open.sponsored.thirdPartyReview': 'third_party_review',
  'open.sponsored.orrDecision': 'release_decision',
  'open.sponsored.releaseApproved': 'release_approved',
  released: 'released',
  closed: 'closed',
} as const satisfies Record<string, CaseStatus>;

export class UnmappedStateError extends Error {
  override readonly name = 'UnmappedStateError';
}

/** The stage path of a state value: down through grouping states, e.g. `open.sponsored.vetting`. */
export function stagePath(value: StateValue): string {
  const path: string[] = [];
  let current: StateValue = value;
  for (;;) {
    const key = typeof current === 'string' ? current : Object.keys(current)[0];
    if (key === undefined) break;
    path.push(key);
    if (!GROUPING_STATES.has(key) || typeof current === 'string') break;
    current = (current as Record<string, StateValue>)[key]!;
  }
  return path.join('.');
}

/** The public status of a snapshot; throws on a stage with no public status, so a rename fails a test. */
export function toCaseStatus(snapshot: CaseSnapshot): CaseStatus {
  const stage = stagePath(snapshot.value);
  const status = (STAGE_TO_STATUS as Record<string, CaseStatus>)[stage];
  if (!status) throw new UnmappedStateError(`Machine state ${JSON.stringify(snapshot.value)} has no public case status`);
  return status;
}

import type { SnapshotFrom } from 'xstate';

import type { CaseStatus } from '../contracts/case-status';
import type { CaseMachine } from './case-machine';

export type CaseSnapshot = SnapshotFrom<CaseMachine>;

/** Machine state (top-level state name) to public status. Every state must appear here. */
export const STATE_TO_STATUS = {
  intake: 'intake',
  sponsorIdentification: 'sponsor_identification',
  vetting: 'vetting',
  homeStudy: 'home_study',
  releaseDecision: 'release_decision',
  releaseApproved: 'release_approved',
  released: 'released',
} as const satisfies Record<string, CaseStatus>;

export class UnmappedStateError extends Error {
  override readonly name = 'UnmappedStateError';
}

/** The public status of a snapshot; throws on a state with no public status, so a rename fails a test. */
export function toCaseStatus(snapshot: CaseSnapshot): CaseStatus {
  const value = snapshot.value;
  const key = typeof value === 'string' ? value : Object.keys(value)[0];
  const status = key === undefined ? undefined : (STATE_TO_STATUS as Record<string, CaseStatus>)[key];
  if (!status) throw new UnmappedStateError(`Machine state ${JSON.stringify(value)} has no public case status`);
  return status;
}

import { ActivityFailure, ApplicationFailure, patched } from '@temporalio/workflow';

import type { CaseActivities, ReadModelDeadLetter } from '../activities/case-activities';
import type { AlertRecord } from '../contracts/alerts';
import type { CaseProjection } from '../contracts/case-view';
import { CaseFailure } from '../contracts/failures';

/** Before it, a write the read model refused for good failed the case's workflow. */
export const DEAD_LETTER_PATCH = 'i15-read-model-dead-letters';

type Letter = Omit<ReadModelDeadLetter, 'error' | 'sqlState' | 'at'>;

/** The activity's failure when PostgreSQL refused the data itself (non-retryable ProjectionRejected); else undefined. */
function refusedForGood(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  return cause instanceof ApplicationFailure && cause.type === CaseFailure.PROJECTION_REJECTED ? cause : undefined;
}

/**
 * After a write to the read model failed: one that PostgreSQL refused for good (a value it cannot
 * store) is kept as a dead letter and raised to admins instead of failing the case, which runs on
 * with only its read model lagging, visibly. Anything else is thrown on. Used in a `catch` around
 * the write's own `await`, so that the path of a write that succeeds is the same as before.
 */
export async function deadLetterOrThrow(
  err: unknown,
  letter: () => Letter,
  keep: CaseActivities['recordReadModelDeadLetter'],
): Promise<undefined> {
  const refusal = refusedForGood(err);
  if (!refusal || !patched(DEAD_LETTER_PATCH)) throw err;
  const sqlState = (refusal.details?.[0] as { sqlState?: string | null } | undefined)?.sqlState ?? null;
  await keep({ ...letter(), error: refusal.message, sqlState, at: new Date().toISOString() });
  return undefined;
}

/** The dead letter of a refused projection: its transitions' seqs name it. */
export function projectionLetter(projection: CaseProjection): Letter {
  const seqs = projection.transitions.map((t) => t.seq);
  const span =
    seqs.length > 0 ? `${Math.min(...seqs)}-${Math.max(...seqs)}` : `signals-${projection.refusedSignals?.[0]?.requestId ?? 'none'}`;
  return {
    caseId: projection.caseId,
    workflowId: projection.workflowId,
    careProviderId: projection.careProviderId,
    kind: 'projection',
    sourceKey: `projection:${span}`,
    payload: JSON.stringify(projection),
  };
}

/** The dead letter of a refused alert record: its first alert (fired, resolved or acknowledged) names it. */
export function alertsLetter(record: AlertRecord, ids: { caseId: string; workflowId: string; careProviderId: string }): Letter {
  const first = record.fired[0]?.id ?? record.resolved[0]?.alertId ?? record.acknowledged[0]?.alertId ?? 'none';
  return { ...ids, kind: 'alerts', sourceKey: `alerts:${first}`, payload: JSON.stringify(record) };
}

import { ApplicationFailure } from '@temporalio/common';

import type { CaseProjection } from '../contracts/case-view';
import { CaseFailure } from '../contracts/failures';
import type { PrismaClient } from '../db/generated/client';
import { Prisma } from '../db/generated/client';

export interface CaseActivityDeps {
  prisma: PrismaClient;
}

/**
 * Activities of the case workflow, built over injected dependencies. Each is idempotent: Temporal
 * runs activities at least once, so a second run with the same input changes nothing.
 */
export function createCaseActivities({ prisma }: CaseActivityDeps) {
  return {
    /**
     * Projects a case's new transitions and current row into the read model. Transitions are keyed
     * by (case, seq); the case row only moves forward (`last_seq` guards against a stale retry).
     */
    async projectCase(projection: CaseProjection): Promise<{ lastSeq: number }> {
      const lastSeq = Math.max(...projection.transitions.map((t) => t.seq));
      try {
        await prisma.$transaction([
          prisma.$executeRaw`
            INSERT INTO cases (id, workflow_id, care_provider_id, status, sponsor_category, admitted_at,
                               released_at, last_seq, created_at, updated_at)
            VALUES (${projection.caseId}, ${projection.workflowId}, ${projection.careProviderId},
                    ${projection.status}, ${projection.sponsorCategory}, ${new Date(projection.admittedAt)},
                    ${projection.releasedAt ? new Date(projection.releasedAt) : null}, ${lastSeq}, now(), now())
            ON CONFLICT (id) DO UPDATE SET
              care_provider_id = EXCLUDED.care_provider_id,
              status = EXCLUDED.status,
              sponsor_category = EXCLUDED.sponsor_category,
              released_at = EXCLUDED.released_at,
              last_seq = EXCLUDED.last_seq,
              updated_at = now()
            WHERE cases.last_seq < EXCLUDED.last_seq`,
          prisma.caseTransition.createMany({
            data: projection.transitions.map((t) => ({
              caseId: projection.caseId,
              seq: t.seq,
              event: t.event,
              fromStatus: t.fromStatus,
              toStatus: t.toStatus,
              actorId: t.actor.id,
              actorRole: t.actor.role,
              reason: t.reason,
              occurredAt: new Date(t.at),
            })),
            skipDuplicates: true,
          }),
        ]);
      } catch (err) {
        throw toActivityFailure(err);
      }
      return { lastSeq };
    },
  };
}

export type CaseActivities = ReturnType<typeof createCaseActivities>;

/** Prisma errors about the data itself (too long, wrong type, a constraint): a retry fails the same way. */
const PERMANENT_PRISMA_CODES = new Set(['P2000', 'P2003', 'P2004', 'P2005', 'P2006', 'P2007', 'P2011', 'P2012', 'P2020', 'P2023']);

/** Data errors will fail again on retry: say so. Anything else (an outage, a timeout) is retried. */
function toActivityFailure(err: unknown): unknown {
  if (err instanceof Prisma.PrismaClientKnownRequestError && PERMANENT_PRISMA_CODES.has(err.code)) {
    return ApplicationFailure.create({
      type: CaseFailure.PROJECTION_REJECTED,
      message: `The read model refused the write (${err.code}): ${err.message}`,
      nonRetryable: true,
      cause: err,
    });
  }
  return err;
}

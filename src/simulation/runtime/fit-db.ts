import type { PrismaClient } from '../../db/generated/client';
import { assertMigrated } from '../../db/migrations';
import type { DurationFit, TransitionRow } from '../engine/fit';
import { fitDurations } from '../engine/fit';

/**
 * Stage durations fitted from the read model: every case's transitions (`case_transitions`) and its
 * sponsor category (`cases`). At most `limit` transitions are read, oldest cases first.
 */
export async function fitFromDatabase(prisma: PrismaClient, limit = 2_000_000): Promise<DurationFit> {
  // An unmigrated database has no transitions to read: say so, and how to fix it.
  await assertMigrated(prisma);
  const [rows, cases] = await Promise.all([
    prisma.caseTransition.findMany({
      select: { caseId: true, seq: true, event: true, toStatus: true, occurredAt: true },
      orderBy: [{ caseId: 'asc' }, { seq: 'asc' }],
      take: limit,
    }),
    prisma.case.findMany({ select: { id: true, sponsorCategory: true } }),
  ]);
  const transitions: TransitionRow[] = rows.map((r) => ({
    caseId: r.caseId,
    seq: r.seq,
    event: r.event,
    toStatus: r.toStatus,
    atMs: r.occurredAt.getTime(),
  }));
  return fitDurations(transitions, new Map(cases.map((c) => [c.id, c.sponsorCategory])));
}

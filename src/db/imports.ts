import type { AuditRecord } from '../audit/chain';
import { EMPTY_HEAD, chainRows } from '../audit/chain';
import type { CaseTransition } from '../contracts/case-view';
import type { PrismaClient } from './generated/client';

/** A closed case from another system, as the read model keeps it: its row and every transition. */
export interface ImportedCaseRow {
  caseId: string;
  careProviderId: string;
  sponsorCategory: string | null;
  policyProfile: string | null;
  admittedAt: string;
  releasedAt: string | null;
  dischargedAt: string | null;
  assigneeId: string | null;
  transitions: CaseTransition[];
}

/** Case ids of these that the read model already holds (never reused). */
export async function existingCaseIds(prisma: PrismaClient, caseIds: readonly string[]): Promise<Set<string>> {
  const rows = await prisma.case.findMany({ where: { id: { in: [...caseIds] } }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}

/**
 * Writes closed cases in one transaction: every row, transition and audit entry, or none. The audit
 * trail says each transition came in by import (the request id), with its original time.
 */
export async function writeImportedCases(prisma: PrismaClient, cases: readonly ImportedCaseRow[], importedAt: Date): Promise<void> {
  const audit = cases.flatMap((c) =>
    chainRows(
      c.caseId,
      EMPTY_HEAD,
      c.transitions.map((t): AuditRecord => ({
        sourceKey: `transition:${t.seq}`,
        kind: 'accepted',
        event: t.event,
        actor: t.actor,
        at: t.at,
        reason: t.reason,
        requestId: t.requestId,
        detail: `imported: ${t.fromStatus === null ? `opened in ${t.toStatus}` : `${t.fromStatus} -> ${t.toStatus}`}`,
      })),
    ),
  );
  await prisma.$transaction([
    prisma.case.createMany({
      data: cases.map((c) => ({
        id: c.caseId,
        workflowId: `case-${c.caseId}`,
        careProviderId: c.careProviderId,
        status: 'closed',
        sponsorCategory: c.sponsorCategory,
        policyProfile: c.policyProfile,
        admittedAt: new Date(c.admittedAt),
        releasedAt: c.releasedAt ? new Date(c.releasedAt) : null,
        dischargedAt: c.dischargedAt ? new Date(c.dischargedAt) : null,
        assigneeId: c.assigneeId,
        lastSeq: c.transitions.length - 1,
        importedAt,
      })),
    }),
    prisma.caseTransition.createMany({
      data: cases.flatMap((c) =>
        c.transitions.map((t) => ({
          caseId: c.caseId,
          seq: t.seq,
          event: t.event,
          fromStatus: t.fromStatus,
          toStatus: t.toStatus,
          actorId: t.actor.id,
          actorRole: t.actor.role,
          reason: t.reason,
          occurredAt: new Date(t.at),
          careProviderId: t.careProviderId ?? c.careProviderId,
        })),
      ),
    }),
    prisma.auditEntry.createMany({
      data: audit,
    }),
  ]);
}

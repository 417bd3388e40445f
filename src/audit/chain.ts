import { createHash } from 'node:crypto';

import type { PrismaClient } from '../db/generated/client';
import { Prisma } from '../db/generated/client';

/**
 * The audit trail of a case: entries appended under a per-case lock, each hashed over its content
 * and the previous entry's hash. Changing, removing or reordering a row breaks every hash after it.
 */

export interface AuditRecord {
  /** Identifies what the entry stands for, so that writing it again (a retry) changes nothing. */
  sourceKey: string;
  kind: 'accepted' | 'refused';
  event: string;
  actor: { id: string; role: string };
  at: string;
  reason: string | null;
  requestId: string | null;
  /** For a refusal: the code and message the caller got. */
  detail: string | null;
}

export interface AuditEntryView extends AuditRecord {
  seq: number;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The hash of an entry: SHA-256 over the previous hash and the entry's fields, in a fixed order. */
export function entryHash(caseId: string, seq: number, record: AuditRecord, prevHash: string): string {
  const content = JSON.stringify([
    caseId,
    seq,
    record.sourceKey,
    record.kind,
    record.event,
    record.actor.id,
    record.actor.role,
    new Date(record.at).toISOString(),
    record.reason,
    record.requestId,
    record.detail,
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

/** Where a case's chain ends: the last entry's seq and hash (seq -1 and the genesis hash when empty). */
export interface AuditHead {
  seq: number;
  hash: string;
}

export const EMPTY_HEAD: AuditHead = { seq: -1, hash: GENESIS_HASH };

/**
 * Takes the case's audit lock for the rest of the transaction (or statement): one writer of a case's
 * chain at a time. Every writer takes it through this one expression, so all agree on the key.
 */
export function lockAuditChain(caseId: string): Prisma.Sql {
  return Prisma.sql`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(${`audit:${caseId}`}::text))) AS l`;
}

/** A chain entry as stored: the record, its place and its links. */
export type AuditRow = ReturnType<typeof chainRows>[number];

/** Links records onto a chain that ends at `head`: each gets the next seq and its hash. */
export function chainRows(caseId: string, head: AuditHead, records: readonly AuditRecord[]) {
  let { seq, hash: prevHash } = head;
  return records.map((record) => {
    seq += 1;
    const hash = entryHash(caseId, seq, record, prevHash);
    const row = {
      caseId,
      seq,
      sourceKey: record.sourceKey,
      kind: record.kind,
      event: record.event,
      actorId: record.actor.id,
      actorRole: record.actor.role,
      at: new Date(record.at),
      reason: record.reason,
      requestId: record.requestId,
      detail: record.detail,
      prevHash,
      hash,
    };
    prevHash = hash;
    return row;
  });
}

/**
 * Appends records to a case's chain, once each (by source key), in order, and answers where the
 * chain now ends.
 */
export async function appendAudit(prisma: PrismaClient, caseId: string, records: readonly AuditRecord[]): Promise<AuditHead | null> {
  if (records.length === 0) return null;
  return prisma.$transaction(async (tx) => {
    // One writer per case at a time: the worker's projections and the API's refusals share a chain.
    await tx.$queryRaw(lockAuditChain(caseId));
    const existing = await tx.auditEntry.findMany({
      where: { caseId, sourceKey: { in: records.map((r) => r.sourceKey) } },
      select: { sourceKey: true },
    });
    const written = new Set(existing.map((e) => e.sourceKey));
    const head =
      (await tx.auditEntry.findFirst({ where: { caseId }, orderBy: { seq: 'desc' }, select: { seq: true, hash: true } })) ?? EMPTY_HEAD;
    const fresh = records.filter((record) => {
      if (written.has(record.sourceKey)) return false;
      written.add(record.sourceKey);
      return true;
    });
    const rows = chainRows(caseId, head, fresh);
    if (rows.length > 0) await tx.auditEntry.createMany({ data: rows });
    const last = rows.at(-1);
    return last ? { seq: last.seq, hash: last.hash } : head;
  });
}

export interface AuditTrail {
  entries: AuditEntryView[];
  /** True when every entry's hash matches its content and the one before it. */
  verified: boolean;
  /** The first entry that does not verify, if any. */
  brokenAt: number | null;
}

/** A case's trail, oldest first, checked link by link. */
export async function readAudit(prisma: PrismaClient, caseId: string): Promise<AuditTrail> {
  const rows = await prisma.auditEntry.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
  let prevHash = GENESIS_HASH;
  let brokenAt: number | null = null;
  const entries = rows.map((row, index): AuditEntryView => {
    const record: AuditRecord = {
      sourceKey: row.sourceKey,
      kind: row.kind === 'refused' ? 'refused' : 'accepted',
      event: row.event,
      actor: { id: row.actorId, role: row.actorRole },
      at: row.at.toISOString(),
      reason: row.reason,
      requestId: row.requestId,
      detail: row.detail,
    };
    const expected = entryHash(caseId, row.seq, record, prevHash);
    if (brokenAt === null && (row.seq !== index || row.prevHash !== prevHash || row.hash !== expected)) brokenAt = row.seq;
    prevHash = row.hash;
    return { ...record, seq: row.seq, prevHash: row.prevHash, hash: row.hash };
  });
  return { entries, verified: brokenAt === null, brokenAt };
}

import type { AuditHead, AuditRow } from '../audit/chain';
import { GENESIS_HASH, lockAuditChain } from '../audit/chain';
import type { CaseProjection } from '../contracts/case-view';
import { isUniqueViolation } from './failures';
import type { PrismaClient } from './generated/client';

/**
 * The one collision the projection statement expects: an audit entry committed since the statement
 * began (the API's refusal, another worker, a retry) already holds the (case, seq) or (case, source
 * key) it inserts, a unique violation.
 */
export function isAuditCollision(err: unknown): boolean {
  return isUniqueViolation(err);
}

export interface ProjectionWrite {
  /** How many audit entries went in: all of them, or none when the chain no longer ended at the head. */
  audited: number;
  /** The newest targets version saved (0: none saved, the defaults). */
  targetsVersion: number;
}

/**
 * The whole projection as one statement (one round trip, no explicit transaction): the case row,
 * its new transitions, the audit entries linked onto `head` (inserted only if the chain still ends
 * there), and the newest targets version, holding the case's audit lock while it inserts. The case
 * row only moves forward (`last_seq`); transitions are keyed by (case, seq). Throws the collision
 * `isAuditCollision` names when an append committed since the statement began, and then changes
 * nothing. A projection with no transitions (`lastSeq` -1) writes no case row.
 */
export async function writeProjection(
  prisma: PrismaClient,
  projection: CaseProjection,
  lastSeq: number,
  head: AuditHead,
  rows: readonly AuditRow[],
): Promise<ProjectionWrite> {
  const [result] = await prisma.$queryRaw<{ audited: number; targets_version: number }[]>`
    WITH upserted AS (
      INSERT INTO cases (id, workflow_id, care_provider_id, status, sponsor_category, admitted_at,
                         released_at, last_seq, created_at, updated_at)
      SELECT ${projection.caseId}::text, ${projection.workflowId}::text, ${projection.careProviderId}::text,
             ${projection.status}::text, ${projection.sponsorCategory}::text, ${projection.admittedAt}::timestamptz,
             ${projection.releasedAt}::timestamptz, ${lastSeq}::int, now(), now()
      WHERE ${lastSeq}::int >= 0
      ON CONFLICT (id) DO UPDATE SET
        care_provider_id = EXCLUDED.care_provider_id,
        status = EXCLUDED.status,
        sponsor_category = EXCLUDED.sponsor_category,
        released_at = EXCLUDED.released_at,
        last_seq = EXCLUDED.last_seq,
        updated_at = now()
      WHERE cases.last_seq < EXCLUDED.last_seq
      RETURNING 1
    ), transitions AS (
      INSERT INTO case_transitions (case_id, seq, event, from_status, to_status, actor_id, actor_role, reason, occurred_at)
      SELECT ${projection.caseId}::text, t.seq, t.event, t.from_status, t.to_status, t.actor_id, t.actor_role, t.reason, t.occurred_at
      FROM json_to_recordset(${transitionsJson(projection)}::json) AS t(seq int, event text, from_status text, to_status text,
           actor_id text, actor_role text, reason text, occurred_at timestamptz)
      ON CONFLICT DO NOTHING
      RETURNING 1
    ), chain_lock AS (
      -- The API's appends read the chain's end and insert under this lock: hold it while inserting.
      ${lockAuditChain(projection.caseId)}
    ), chain_end AS (
      SELECT COALESCE((SELECT hash FROM audit_entries WHERE case_id = ${projection.caseId}::text ORDER BY seq DESC LIMIT 1),
                      ${GENESIS_HASH}::text) AS hash
    ), audited AS (
      INSERT INTO audit_entries (case_id, seq, source_key, kind, event, actor_id, actor_role, at, reason,
                                 request_id, detail, prev_hash, hash)
      SELECT ${projection.caseId}::text, a.seq, a.source_key, a.kind, a.event, a.actor_id, a.actor_role, a.at, a.reason,
             a.request_id, a.detail, a.prev_hash, a.hash
      FROM chain_lock, json_to_recordset(${auditJson(rows)}::json) AS a(seq int, source_key text, kind text, event text, actor_id text,
           actor_role text, at timestamptz, reason text, request_id text, detail text, prev_hash text, hash text)
      WHERE (SELECT hash FROM chain_end) = ${head.hash}::text
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM audited)::int AS audited,
           (SELECT COALESCE(max(version), 0) FROM target_sets)::int AS targets_version`;
  return { audited: result?.audited ?? 0, targetsVersion: result?.targets_version ?? 0 };
}

/** The new transitions as one JSON parameter, in the columns' names. */
function transitionsJson(projection: CaseProjection): string {
  return JSON.stringify(
    projection.transitions.map((t) => ({
      seq: t.seq,
      event: t.event,
      from_status: t.fromStatus,
      to_status: t.toStatus,
      actor_id: t.actor.id,
      actor_role: t.actor.role,
      reason: t.reason,
      occurred_at: t.at,
    })),
  );
}

/** The audit rows as one JSON parameter, in the columns' names. */
function auditJson(rows: readonly AuditRow[]): string {
  return JSON.stringify(
    rows.map((r) => ({
      seq: r.seq,
      source_key: r.sourceKey,
      kind: r.kind,
      event: r.event,
      actor_id: r.actorId,
      actor_role: r.actorRole,
      at: r.at.toISOString(),
      reason: r.reason,
      request_id: r.requestId,
      detail: r.detail,
      prev_hash: r.prevHash,
      hash: r.hash,
    })),
  );
}

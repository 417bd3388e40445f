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
  /** The transitions this write inserted (none that a retry had already written), for the metrics. */
  inserted: { event: string; at: string }[];
}

const DISCHARGE_EVENTS: ReadonlySet<string> = new Set(['RELEASE_CHILD', 'AGE_OUT', 'DEPART']);

/**
 * The row fields a projection from older workflow code lacks, filled from what it carries: the
 * opener as assignee, the discharge from its transitions. Revision 0 never overwrites a newer row.
 */
function rowFields(projection: CaseProjection) {
  const opening = projection.transitions.find((t) => t.seq === 0);
  const openerAssignee = opening?.actor.role === 'case_manager' ? opening.actor.id : null;
  const discharge = projection.transitions.find((t) => DISCHARGE_EVENTS.has(t.event));
  const deadlines = projection.deadlines ?? { nextDeadlineAt: null, nextDeadlineLabel: null, atRiskAt: null };
  return {
    assigneeId: projection.assigneeId === undefined ? openerAssignee : projection.assigneeId,
    policyProfile: projection.policyProfile ?? null,
    dischargedAt: projection.dischargedAt ?? discharge?.at ?? null,
    revision: projection.revision ?? 0,
    ...deadlines,
  };
}

/**
 * The whole projection as one statement (one round trip, no explicit transaction): the case row,
 * its new transitions, the audit entries linked onto `head` (inserted only if the chain still ends
 * there), and the newest targets version, holding the case's audit lock while it inserts. The case
 * row's status and sponsor only move forward with `last_seq`, its assignee and deadlines with
 * `revision`; transitions are keyed by (case, seq). Throws the collision `isAuditCollision` names
 * when an append committed since the statement began, and then changes nothing. A projection with
 * no transitions from older workflow code (`lastSeq` -1) writes no case row.
 */
export async function writeProjection(
  prisma: PrismaClient,
  projection: CaseProjection,
  lastSeq: number,
  head: AuditHead,
  rows: readonly AuditRow[],
): Promise<ProjectionWrite> {
  const row = rowFields(projection);
  const [result] = await prisma.$queryRaw<{ audited: number; targets_version: number; inserted: { event: string; at: string }[] }[]>`
    WITH upserted AS (
      INSERT INTO cases (id, workflow_id, care_provider_id, status, sponsor_category, admitted_at, released_at, last_seq,
                         assignee_id, policy_profile, discharged_at, next_deadline_at, next_deadline_label, at_risk_at,
                         revision, created_at, updated_at)
      SELECT ${projection.caseId}::text, ${projection.workflowId}::text, ${projection.careProviderId}::text,
             ${projection.status}::text, ${projection.sponsorCategory}::text, ${projection.admittedAt}::timestamptz,
             ${projection.releasedAt}::timestamptz, ${lastSeq}::int, ${row.assigneeId}::text, ${row.policyProfile}::text,
             ${row.dischargedAt}::timestamptz, ${row.nextDeadlineAt}::timestamptz, ${row.nextDeadlineLabel}::text,
             ${row.atRiskAt}::timestamptz, ${row.revision}::int, now(), now()
      WHERE ${lastSeq}::int >= 0
      ON CONFLICT (id) DO UPDATE SET
        care_provider_id = CASE WHEN cases.last_seq < EXCLUDED.last_seq THEN EXCLUDED.care_provider_id ELSE cases.care_provider_id END,
        status = CASE WHEN cases.last_seq < EXCLUDED.last_seq THEN EXCLUDED.status ELSE cases.status END,
        sponsor_category = CASE WHEN cases.last_seq < EXCLUDED.last_seq THEN EXCLUDED.sponsor_category ELSE cases.sponsor_category END,
        released_at = CASE WHEN cases.last_seq < EXCLUDED.last_seq THEN EXCLUDED.released_at ELSE cases.released_at END,
        -- The profile the last sponsor was assessed under stays once the sponsor is gone.
        policy_profile = CASE WHEN cases.last_seq < EXCLUDED.last_seq THEN COALESCE(EXCLUDED.policy_profile, cases.policy_profile)
                              ELSE cases.policy_profile END,
        discharged_at = COALESCE(cases.discharged_at, EXCLUDED.discharged_at),
        last_seq = GREATEST(cases.last_seq, EXCLUDED.last_seq),
        assignee_id = CASE WHEN cases.revision < EXCLUDED.revision THEN EXCLUDED.assignee_id ELSE cases.assignee_id END,
        next_deadline_at = CASE WHEN cases.revision < EXCLUDED.revision THEN EXCLUDED.next_deadline_at ELSE cases.next_deadline_at END,
        next_deadline_label = CASE WHEN cases.revision < EXCLUDED.revision THEN EXCLUDED.next_deadline_label
                                   ELSE cases.next_deadline_label END,
        at_risk_at = CASE WHEN cases.revision < EXCLUDED.revision THEN EXCLUDED.at_risk_at ELSE cases.at_risk_at END,
        revision = GREATEST(cases.revision, EXCLUDED.revision),
        updated_at = now()
      WHERE cases.last_seq < EXCLUDED.last_seq OR cases.revision < EXCLUDED.revision
      RETURNING 1
    ), transitions AS (
      INSERT INTO case_transitions (case_id, seq, event, from_status, to_status, actor_id, actor_role, reason, occurred_at, care_provider_id)
      SELECT ${projection.caseId}::text, t.seq, t.event, t.from_status, t.to_status, t.actor_id, t.actor_role, t.reason, t.occurred_at,
             COALESCE(t.care_provider_id, ${projection.careProviderId}::text)
      FROM json_to_recordset(${transitionsJson(projection)}::json) AS t(seq int, event text, from_status text, to_status text,
           actor_id text, actor_role text, reason text, occurred_at timestamptz, care_provider_id text)
      ON CONFLICT DO NOTHING
      RETURNING event, occurred_at
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
           (SELECT COALESCE(max(version), 0) FROM target_sets)::int AS targets_version,
           (SELECT COALESCE(json_agg(json_build_object('event', event, 'at', occurred_at)), '[]'::json) FROM transitions) AS inserted`;
  return { audited: result?.audited ?? 0, targetsVersion: result?.targets_version ?? 0, inserted: result?.inserted ?? [] };
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
      care_provider_id: t.careProviderId ?? null,
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

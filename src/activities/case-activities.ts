import { createHmac } from 'node:crypto';

import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

import type { Alert, AlertRecord } from '../contracts/alerts';
import { CASE_WORKFLOW_TYPE, targetsChangedSignal } from '../contracts/messages';
import type { VersionedTargets } from '../contracts/targets';
import type { AuditHead, AuditRecord, AuditRow } from '../audit/chain';
import { EMPTY_HEAD, GENESIS_HASH, appendAudit, chainRows } from '../audit/chain';
import { currentTargets } from '../targets/store';
import type { CaseProjection } from '../contracts/case-view';
import { CaseFailure } from '../contracts/failures';
import type { PrismaClient } from '../db/generated/client';
import { Prisma } from '../db/generated/client';

export interface AlertWebhook {
  url: string;
  /** Signs each delivery: HMAC-SHA256 over `${timestamp}.${body}`. */
  secret: string;
  timeoutMs?: number;
}

export interface CaseActivityDeps {
  prisma: PrismaClient;
  /** Where alerts are posted, if anywhere. */
  webhook?: AlertWebhook;
  /** For activities that message other workflows (the targets broadcast). */
  temporal?: Client;
}

/** The signature header value of a webhook body sent at `timestamp` (seconds). */
/** Audit entries for what a projection carries: each accepted transition, each refused decision. */
function auditRecordsOf(projection: CaseProjection): AuditRecord[] {
  return [
    ...projection.transitions.map(
      (t): AuditRecord => ({
        sourceKey: `transition:${t.seq}`,
        kind: 'accepted',
        event: t.event,
        actor: t.actor,
        at: t.at,
        reason: t.reason,
        requestId: t.requestId,
        detail: t.fromStatus === null ? `opened in ${t.toStatus}` : `${t.fromStatus} -> ${t.toStatus}`,
      }),
    ),
    ...(projection.refusedSignals ?? []).map(
      (r, i): AuditRecord => ({
        sourceKey: `signal:${r.requestId ?? `${r.at}:${i}`}`,
        kind: 'refused',
        event: r.event,
        actor: r.actor,
        at: r.at,
        reason: null,
        requestId: r.requestId,
        detail: `${r.code}: ${r.message}`,
      }),
    ),
  ];
}

export interface ProjectionResult {
  lastSeq: number;
  /** The newest targets version saved, so that a case running on an older one catches up. */
  targetsVersion?: number;
  /** How it was written: one statement onto a known chain end, or the careful way under the case's lock. */
  written?: 'one statement' | 'under lock';
}

/** How many cases' audit chain heads a worker keeps in memory. */
const AUDIT_HEADS_KEPT = 20_000;

/**
 * The whole projection as one statement (one round trip, no explicit transaction): the case row,
 * its new transitions, the audit entries linked onto `head` (inserted only if the chain still ends
 * there), and the newest targets version, holding the case's audit lock while it inserts. Answers how
 * many audit entries went in, or throws: an append committed since the statement began collides on
 * (case, seq) and the statement changes nothing.
 */
async function projectInOneStatement(
  prisma: PrismaClient,
  projection: CaseProjection,
  lastSeq: number,
  head: AuditHead,
  rows: AuditRow[],
): Promise<{ audited: number; targetsVersion: number }> {
  const transitions = JSON.stringify(
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
  const audit = JSON.stringify(
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
      FROM json_to_recordset(${transitions}::json) AS t(seq int, event text, from_status text, to_status text,
           actor_id text, actor_role text, reason text, occurred_at timestamptz)
      ON CONFLICT DO NOTHING
      RETURNING 1
    ), chain_lock AS (
      -- The API's appends read the chain's end and insert under this lock: hold it while inserting.
      SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(${`audit:${projection.caseId}`}::text))) AS l
    ), chain_end AS (
      SELECT COALESCE((SELECT hash FROM audit_entries WHERE case_id = ${projection.caseId}::text ORDER BY seq DESC LIMIT 1),
                      ${GENESIS_HASH}::text) AS hash
    ), audited AS (
      INSERT INTO audit_entries (case_id, seq, source_key, kind, event, actor_id, actor_role, at, reason,
                                 request_id, detail, prev_hash, hash)
      SELECT ${projection.caseId}::text, a.seq, a.source_key, a.kind, a.event, a.actor_id, a.actor_role, a.at, a.reason,
             a.request_id, a.detail, a.prev_hash, a.hash
      FROM chain_lock, json_to_recordset(${audit}::json) AS a(seq int, source_key text, kind text, event text, actor_id text,
           actor_role text, at timestamptz, reason text, request_id text, detail text, prev_hash text, hash text)
      WHERE (SELECT hash FROM chain_end) = ${head.hash}::text
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM audited)::int AS audited,
           (SELECT COALESCE(max(version), 0) FROM target_sets)::int AS targets_version`;
  return { audited: result?.audited ?? 0, targetsVersion: result?.targets_version ?? 0 };
}

/** Advisory lock key serialising alert-event writers (any constant unique to this purpose). */
const ALERT_EVENTS_LOCK = 72_610_001;

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Activities of the case workflow, built over injected dependencies. Each is idempotent: Temporal
 * runs activities at least once, so a second run with the same input changes nothing.
 */
export function createCaseActivities({ prisma, webhook, temporal }: CaseActivityDeps) {
  // Where each case's audit chain ended when this worker last wrote it; a hint, checked on use.
  // Bounded: the oldest case is forgotten first (and then written the careful way once).
  const auditHeads = new Map<string, AuditHead>();
  const rememberHead = (caseId: string, head: AuditHead): void => {
    auditHeads.delete(caseId);
    auditHeads.set(caseId, { seq: head.seq, hash: head.hash });
    if (auditHeads.size > AUDIT_HEADS_KEPT) auditHeads.delete(auditHeads.keys().next().value!);
  };
  return {
    /**
     * Signals new targets to every running case. Heartbeats its progress; on a retry it signals
     * again from the start, which cases ignore (they keep the highest version).
     */
    async signalOpenCases(targets: VersionedTargets): Promise<{ signalled: number }> {
      if (!temporal) throw ApplicationFailure.create({ message: 'No Temporal client given to the activities', nonRetryable: true });
      let signalled = 0;
      const query = `WorkflowType = '${CASE_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`;
      for await (const execution of temporal.workflow.list({ query })) {
        await temporal.workflow
          .getHandle(execution.workflowId)
          .signal(targetsChangedSignal, targets)
          .catch((err: unknown) => {
            // A case that closed since it was listed needs no targets.
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          });
        signalled += 1;
        if (signalled % 100 === 0) Context.current().heartbeat({ signalled });
      }
      return { signalled };
    },

    /**
     * Projects a case's new transitions and current row into the read model, and appends them (and
     * refused decisions) to the case's audit trail. Transitions are keyed by (case, seq); the case row
     * only moves forward (`last_seq` guards against a stale retry); audit entries are keyed by source.
     *
     * One statement when this worker knows where the case's audit chain ends (it wrote the last
     * entry, or the projection opens the case and the chain is empty): the entries are linked onto
     * that head and written only if the chain still ends there.
     * Otherwise (first write here, an entry appended by the API or another worker, a retry) the
     * projection is written the careful way: under the case's audit lock, reading the chain first.
     */
    async projectCase(projection: CaseProjection): Promise<ProjectionResult> {
      // A projection may carry only refused decisions (for the audit trail) and no transition.
      const lastSeq = projection.transitions.length > 0 ? Math.max(...projection.transitions.map((t) => t.seq)) : -1;
      const records = auditRecordsOf(projection);
      // A projection that starts at seq 0 opens the case: its chain is empty unless this is a retry.
      const head = auditHeads.get(projection.caseId) ?? (projection.transitions[0]?.seq === 0 ? EMPTY_HEAD : undefined);
      if (head) {
        const rows = chainRows(projection.caseId, head, records);
        const written = await projectInOneStatement(prisma, projection, lastSeq, head, rows).catch(() => null);
        if (written && written.audited === rows.length) {
          rememberHead(projection.caseId, rows.at(-1) ?? head);
          return { lastSeq, targetsVersion: written.targetsVersion, written: 'one statement' };
        }
      }
      try {
        // The case row and its transitions as in the one statement, with no audit entries; then the
        // entries under the case's audit lock, after reading where the chain ends.
        const { targetsVersion } = await projectInOneStatement(prisma, projection, lastSeq, EMPTY_HEAD, []);
        const newHead = await appendAudit(prisma, projection.caseId, records);
        if (newHead) rememberHead(projection.caseId, newHead);
        return { lastSeq, targetsVersion, written: 'under lock' };
      } catch (err) {
        throw toActivityFailure(err);
      }
    },

    /** The targets in force, for a case that learns it runs on an older version. */
    async loadTargets(): Promise<VersionedTargets> {
      return currentTargets(prisma);
    },

    /**
     * Persists alerts once each (ids are deterministic), resolutions and acknowledgements, each with
     * one stream event (unique per alert and type). Answers whether a webhook should be told.
     */
    async recordAlerts(record: AlertRecord): Promise<{ webhook: boolean }> {
      try {
        await prisma.$transaction([
          // One writer of alert events at a time, so that their ids commit in order: the live
          // stream reads "after id N" and must never skip an id committed late.
          prisma.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(${ALERT_EVENTS_LOCK})) AS l`,
          prisma.alert.createMany({
            data: record.fired.map((a) => ({
              id: a.id,
              caseId: a.caseId,
              careProviderId: a.careProviderId,
              sponsorCategory: a.sponsorCategory,
              rule: a.rule,
              chain: a.chain,
              kind: a.kind,
              repeat: a.repeat,
              level: a.level,
              message: a.message,
              dueAt: new Date(a.dueAt),
              firedAt: new Date(a.firedAt),
            })),
            skipDuplicates: true,
          }),
          ...record.resolved.map((r) =>
            prisma.alert.updateMany({ where: { id: r.alertId, resolvedAt: null }, data: { resolvedAt: new Date(r.at) } }),
          ),
          ...record.acknowledged.map((a) =>
            prisma.alert.updateMany({
              where: { id: a.alertId, acknowledgedAt: null },
              data: { acknowledgedAt: new Date(a.at), acknowledgedById: a.actor.id, acknowledgedByRole: a.actor.role, ackNote: a.note },
            }),
          ),
          prisma.alertEvent.createMany({
            data: [
              ...record.fired.map((a) => ({ alertId: a.id, type: 'fired', at: new Date(a.firedAt) })),
              ...record.acknowledged.map((a) => ({ alertId: a.alertId, type: 'acknowledged', at: new Date(a.at) })),
              ...record.resolved.map((r) => ({ alertId: r.alertId, type: 'resolved', at: new Date(r.at) })),
            ],
            skipDuplicates: true,
          }),
        ]);
      } catch (err) {
        throw toActivityFailure(err);
      }
      return { webhook: webhook !== undefined };
    },

    /** Posts one alert to the webhook, signed. A 4xx other than 408/429 is final; anything else is retried. */
    async deliverAlertWebhook(alert: Alert): Promise<{ status: number }> {
      if (!webhook) return { status: 0 };
      const body = JSON.stringify({ type: 'alert.fired', alert });
      const timestamp = String(Math.floor(Date.now() / 1000));
      let response: Response;
      try {
        response = await fetch(webhook.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-reunify-alert-id': alert.id,
            'x-reunify-timestamp': timestamp,
            'x-reunify-signature': signWebhook(webhook.secret, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(webhook.timeoutMs ?? 10_000),
        });
      } catch (err) {
        throw ApplicationFailure.create({
          type: CaseFailure.WEBHOOK_UNAVAILABLE,
          message: `The alert webhook could not be reached: ${(err as Error).message}`,
          details: [{ attempt: Context.current().info.attempt }],
        });
      }
      if (response.ok) return { status: response.status };
      const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
      throw ApplicationFailure.create({
        type: permanent ? CaseFailure.WEBHOOK_REJECTED : CaseFailure.WEBHOOK_UNAVAILABLE,
        message: `The alert webhook answered ${response.status} ${response.statusText}`,
        nonRetryable: permanent,
        details: [{ attempt: Context.current().info.attempt }],
      });
    },

    /** Keeps an alert the webhook never took (after every retry), once. */
    async recordDeadLetter(letter: { alertId: string; attempts: number; lastError: string; at: string }): Promise<void> {
      try {
        await prisma.webhookDeadLetter.createMany({
          data: [{ alertId: letter.alertId, attempts: letter.attempts, lastError: letter.lastError, at: new Date(letter.at) }],
          skipDuplicates: true,
        });
      } catch (err) {
        throw toActivityFailure(err);
      }
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

import { createHmac } from 'node:crypto';

import { Context, log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

import type { AuditHead, AuditRecord, AuditRow } from '../audit/chain';
import { EMPTY_HEAD, appendAudit, chainRows } from '../audit/chain';
import type { Alert, AlertRecord } from '../contracts/alerts';
import type { CaseProjection } from '../contracts/case-view';
import { CaseFailure } from '../contracts/failures';
import type { VersionedTargets } from '../contracts/targets';
import { dbErrorCodes, isPermanentDataError } from '../db/failures';
import type { PrismaClient } from '../db/generated/client';
import type { ProjectionWrite } from '../db/projection';
import { isAuditCollision, writeProjection } from '../db/projection';
import type { Metrics } from '../metrics/metrics';
import { observeTransitions } from '../metrics/metrics';
import { currentTargets } from '../targets/store';
import { signalOpenCases } from './targets-broadcast';

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
  /** The process's Prometheus metrics: transitions, refusals, alerts, discharges. */
  metrics?: Metrics;
}

export interface ProjectionResult {
  lastSeq: number;
  /** The newest targets version saved, so that a case running on an older one catches up. */
  targetsVersion?: number;
  /** How it was written: one statement onto a known chain end, or the careful way under the case's lock. */
  written?: 'one statement' | 'under lock';
}

/** A read-model write PostgreSQL refused for good, as the case hands it over to be kept. */
export interface ReadModelDeadLetter {
  caseId: string;
  workflowId: string;
  careProviderId: string;
  kind: 'projection' | 'alerts';
  /** What was refused, unique per case: projection:<first seq>-<last seq>, or alerts:<first alert id>. */
  sourceKey: string;
  error: string;
  sqlState: string | null;
  /** The refused write, as JSON. */
  payload: string;
  at: string;
}

/** An alert the webhook never took, after every retry. */
export interface DeadLetter {
  alertId: string;
  attempts: number;
  lastError: string;
  at: string;
}

/**
 * Activities of the case workflow, built over injected dependencies. Each is idempotent: Temporal
 * runs activities at least once, so a second run with the same input changes nothing.
 */
export function createCaseActivities({ prisma, webhook, temporal, metrics }: CaseActivityDeps) {
  const auditHeads = new AuditHeads(AUDIT_HEADS_KEPT);
  return {
    /**
     * Signals new targets to every running case. Heartbeats its progress; on a retry it signals
     * again from the start, which cases ignore (they keep the highest version).
     */
    signalOpenCases: (targets: VersionedTargets, previous?: VersionedTargets) => signalOpenCases(temporal, targets, previous),
    /** Projects a case's new transitions into the read model and its audit trail (see `projectCase`). */
    projectCase: async (projection: CaseProjection) => {
      const { result, inserted } = await projectCase(prisma, auditHeads, projection);
      observeTransitions(metrics, projection.admittedAt, inserted);
      for (const refused of projection.refusedSignals ?? []) metrics?.refusals.inc({ code: refused.code });
      return result;
    },
    /** The targets in force, for a case that learns it runs on an older version. */
    loadTargets: (): Promise<VersionedTargets> => currentTargets(prisma),
    /**
     * Persists alerts once each (ids are deterministic), resolutions and acknowledgements, each with
     * one stream event (unique per alert and type). Answers whether a webhook should be told.
     */
    recordAlerts: async (record: AlertRecord) => {
      const recorded = await recordAlerts(prisma, webhook, record);
      for (const alert of record.fired) {
        metrics?.alertsFired.inc({ rule: alert.rule, level: alert.level, kind: alert.kind });
        metrics?.alertLateness.observe({ rule: alert.rule }, Math.max(0, Date.parse(alert.firedAt) - Date.parse(alert.dueAt)) / 1000);
      }
      return recorded;
    },
    /** Posts one alert to the webhook, signed. A 4xx other than 408/429 is final; anything else is retried. */
    deliverAlertWebhook: (alert: Alert) => deliverAlertWebhook(webhook, alert),
    /** Keeps an alert the webhook never took (after every retry), once. */
    recordDeadLetter: (letter: DeadLetter) => recordDeadLetter(prisma, letter),
    /** Keeps a read-model write PostgreSQL refused for good, once, and raises it to admins as an alert. */
    recordReadModelDeadLetter: (letter: ReadModelDeadLetter) => recordReadModelDeadLetter(prisma, letter),
  };
}

export type CaseActivities = ReturnType<typeof createCaseActivities>;

/** How many cases' audit chain heads a worker keeps in memory. */
const AUDIT_HEADS_KEPT = 20_000;

/**
 * Where each case's audit chain ended when this worker last wrote it: a hint, checked on use.
 * Bounded: the oldest case is forgotten first (and then written the careful way once).
 */
class AuditHeads {
  private readonly heads = new Map<string, AuditHead>();

  constructor(private readonly kept: number) {}

  get(caseId: string): AuditHead | undefined {
    return this.heads.get(caseId);
  }

  remember(caseId: string, head: AuditHead): void {
    this.heads.delete(caseId);
    this.heads.set(caseId, { seq: head.seq, hash: head.hash });
    if (this.heads.size > this.kept) this.heads.delete(this.heads.keys().next().value!);
  }
}

/** Audit entries for what a projection carries: each accepted transition, each refused decision. */
function auditRecordsOf(projection: CaseProjection): AuditRecord[] {
  return [
    ...projection.transitions.map((t): AuditRecord => ({
      sourceKey: `transition:${t.seq}`,
      kind: 'accepted',
      event: t.event,
      actor: t.actor,
      at: t.at,
      reason: t.reason,
      requestId: t.requestId,
      detail: t.fromStatus === null ? `opened in ${t.toStatus}` : `${t.fromStatus} -> ${t.toStatus}`,
    })),
    ...(projection.assignments ?? []).map((a): AuditRecord => ({
      sourceKey: `assignment:${a.requestId ?? a.at}`,
      kind: 'accepted',
      event: 'REASSIGN_CASE',
      actor: a.actor,
      at: a.at,
      reason: a.reason,
      requestId: a.requestId,
      detail: `assigned ${a.previousAssigneeId ?? '(nobody)'} -> ${a.assigneeId}`,
    })),
    ...(projection.refusedSignals ?? []).map((r, i): AuditRecord => ({
      sourceKey: `signal:${r.requestId ?? `${r.at}:${i}`}`,
      kind: 'refused',
      event: r.event,
      actor: r.actor,
      at: r.at,
      reason: null,
      requestId: r.requestId,
      detail: `${r.code}: ${r.message}`,
    })),
  ];
}

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
async function projectCase(
  prisma: PrismaClient,
  heads: AuditHeads,
  projection: CaseProjection,
): Promise<{ result: ProjectionResult; inserted: ProjectionWrite['inserted'] }> {
  // A projection may carry no transition (refused decisions, a reassignment, new deadlines); one
  // from older workflow code then says nothing of the case's last seq.
  const lastSeq = projection.lastSeq ?? (projection.transitions.length > 0 ? Math.max(...projection.transitions.map((t) => t.seq)) : -1);
  const records = auditRecordsOf(projection);
  // A projection that starts at seq 0 opens the case: its chain is empty unless this is a retry.
  const head = heads.get(projection.caseId) ?? (projection.transitions[0]?.seq === 0 ? EMPTY_HEAD : undefined);
  // What a first statement inserted before its audit entries found the chain moved on.
  let insertedFirst: ProjectionWrite['inserted'] = [];
  if (head) {
    const rows = chainRows(projection.caseId, head, records);
    const written = await writeOntoHead(prisma, projection, lastSeq, head, rows);
    insertedFirst = written?.inserted ?? [];
    if (written && written.audited === rows.length) {
      heads.remember(projection.caseId, rows.at(-1) ?? head);
      return { result: { lastSeq, targetsVersion: written.targetsVersion, written: 'one statement' }, inserted: written.inserted };
    }
  }
  try {
    // The case row and its transitions as in the one statement, with no audit entries; then the
    // entries under the case's audit lock, after reading where the chain ends.
    const { targetsVersion, inserted } = await writeProjection(prisma, projection, lastSeq, EMPTY_HEAD, []);
    const newHead = await appendAudit(prisma, projection.caseId, records);
    if (newHead) heads.remember(projection.caseId, newHead);
    return { result: { lastSeq, targetsVersion, written: 'under lock' }, inserted: [...insertedFirst, ...inserted] };
  } catch (err) {
    throw toActivityFailure(err);
  }
}

/**
 * The one statement onto a chain end this worker knows. Null when an append committed meanwhile
 * collided with it (the statement then changed nothing and the caller takes the careful way); any
 * other failure is logged and thrown.
 */
async function writeOntoHead(
  prisma: PrismaClient,
  projection: CaseProjection,
  lastSeq: number,
  head: AuditHead,
  rows: AuditRow[],
): Promise<ProjectionWrite | null> {
  try {
    return await writeProjection(prisma, projection, lastSeq, head, rows);
  } catch (err) {
    if (isAuditCollision(err)) return null;
    log.warn('The projection failed', { caseId: projection.caseId, ...dbErrorCodes(err) });
    throw toActivityFailure(err);
  }
}

/** Advisory lock key serialising alert-event writers (any constant unique to this purpose). */
const ALERT_EVENTS_LOCK = 72_610_001;

async function recordAlerts(prisma: PrismaClient, webhook: AlertWebhook | undefined, record: AlertRecord): Promise<{ webhook: boolean }> {
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
}

/** The signature header value of a webhook body sent at `timestamp` (seconds). */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

async function deliverAlertWebhook(webhook: AlertWebhook | undefined, alert: Alert): Promise<{ status: number }> {
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
}

async function recordDeadLetter(prisma: PrismaClient, letter: DeadLetter): Promise<void> {
  try {
    await prisma.webhookDeadLetter.createMany({
      data: [{ alertId: letter.alertId, attempts: letter.attempts, lastError: letter.lastError, at: new Date(letter.at) }],
      skipDuplicates: true,
    });
  } catch (err) {
    throw toActivityFailure(err);
  }
}

/** The alert to admins for a case the read model cannot hold: one per case, whatever else is refused later. */
function deadLetterAlert(letter: ReadModelDeadLetter) {
  const at = new Date(letter.at);
  const why = letter.sqlState ? `SQLSTATE ${letter.sqlState}` : 'a value it cannot store';
  return {
    id: `${letter.caseId}:read_model:dead-letter`,
    caseId: letter.caseId,
    careProviderId: letter.careProviderId,
    sponsorCategory: null,
    rule: 'read_model',
    chain: 'read_model',
    kind: 'escalation',
    repeat: 0,
    level: 'program_lead',
    message: `The read model refused case ${letter.caseId}'s ${letter.kind} for good (${why}). The case runs on, but lists, reports and its audit trail lack it until an admin repairs it (table read_model_dead_letters).`,
    dueAt: at,
    firedAt: at,
  };
}

async function recordReadModelDeadLetter(prisma: PrismaClient, letter: ReadModelDeadLetter): Promise<void> {
  const alert = deadLetterAlert(letter);
  await prisma.$transaction([
    prisma.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(${ALERT_EVENTS_LOCK})) AS l`,
    prisma.readModelDeadLetter.createMany({
      data: [
        {
          caseId: letter.caseId,
          workflowId: letter.workflowId,
          sourceKey: letter.sourceKey,
          kind: letter.kind,
          sqlState: letter.sqlState,
          error: letter.error,
          payload: letter.payload,
          at: new Date(letter.at),
        },
      ],
      skipDuplicates: true,
    }),
    prisma.alert.createMany({ data: [alert], skipDuplicates: true }),
    prisma.alertEvent.createMany({ data: [{ alertId: alert.id, type: 'fired', at: alert.firedAt }], skipDuplicates: true }),
  ]);
  log.error('The read model refused a write for good: kept as a dead letter, admins alerted', {
    caseId: letter.caseId,
    kind: letter.kind,
    sqlState: letter.sqlState,
  });
}

/**
 * Data errors fail again on retry (SQLSTATE class 22, 23 but a unique violation, Prisma's data
 * errors): say so, with the codes, and the case keeps the write as a dead letter. Anything else (an
 * outage, a timeout) is retried.
 */
function toActivityFailure(err: unknown): unknown {
  if (!isPermanentDataError(err)) return err;
  const { code, sqlState } = dbErrorCodes(err);
  return ApplicationFailure.create({
    type: CaseFailure.PROJECTION_REJECTED,
    message: `The read model refused the write for good (${sqlState ? `SQLSTATE ${sqlState}` : code}): ${(err as Error).message}`,
    nonRetryable: true,
    details: [{ code: code ?? null, sqlState: sqlState ?? null }],
    cause: err as Error,
  });
}

/**
 * The checks after a fault, case by case, against the case's own workflow (a Temporal query,
 * not the API) and the read model (PostgreSQL, not the API):
 * - every event the API accepted is in the case's history and in the read model, exactly once;
 * - nothing is in either that was not accepted;
 * - alerts: each fired one stored once, each acknowledgement once and only if one was sent;
 * - the audit chain verifies, with one entry per transition;
 * - the read model's row and transitions equal the workflow's own view.
 */
import type { Client } from '@temporalio/client';

import { readAudit } from '../../src/audit/chain';
import type { CaseView } from '../../src/contracts/case-view';
import { caseWorkflowId } from '../../src/contracts/ids';
import { caseViewQuery } from '../../src/contracts/messages';
import type { PrismaClient } from '../../src/db/generated/client';
import type { CaseRecord } from './load';
import { pool } from './workload';

export interface Verdict {
  cases: number;
  /** Accepted but missing from the history or the read model. */
  lost: number;
  /** In the history or the read model more than once. */
  duplicated: number;
  /** In the history but never accepted. */
  unaccepted: number;
  /** Read model (or audit trail) different from the workflow's view. */
  mismatched: number;
  /** Requests the script expected to go through that the case refused (a lost or doubled step shows here too). */
  unexpected: number;
  /** What was found, a line per problem (the first few). */
  problems: string[];
  /** Cases checked in a later run than their first: they continued as new under the load. */
  rolledOver: number;
}

interface Observed {
  view: CaseView;
  rows: { seq: number; event: string; toStatus: string; actorId: string }[];
  row: { status: string; careProviderId: string; sponsorCategory: string | null; lastSeq: number } | null;
  alerts: { id: string; acknowledgedAt: Date | null }[];
}

async function observe(temporal: Client, prisma: PrismaClient, caseId: string): Promise<Observed> {
  const view = await temporal.workflow.getHandle(caseWorkflowId(caseId)).query(caseViewQuery);
  const [rows, row, alerts] = await Promise.all([
    prisma.caseTransition.findMany({
      where: { caseId },
      orderBy: { seq: 'asc' },
      select: { seq: true, event: true, toStatus: true, actorId: true },
    }),
    prisma.case.findUnique({ where: { id: caseId }, select: { status: true, careProviderId: true, sponsorCategory: true, lastSeq: true } }),
    prisma.alert.findMany({ where: { caseId }, select: { id: true, acknowledgedAt: true } }),
  ]);
  return { view, rows, row, alerts };
}

/** Whether the read model has caught up with the case: its last transition and every alert written. */
function caughtUp({ view, row, alerts }: Observed): boolean {
  const lastSeq = view.transitions.at(-1)?.seq ?? 0;
  const acked = alerts.filter((a) => a.acknowledgedAt).length;
  return row?.lastSeq === lastSeq && alerts.length === view.alerts.firedCount && acked === view.alerts.acknowledgements.length;
}

/** Waits until the read model has caught up with every case (or the deadline); answers how long it took. */
export async function settle(
  temporal: Client,
  prisma: PrismaClient,
  records: readonly CaseRecord[],
  deadlineMs = 300_000,
): Promise<number> {
  const started = Date.now();
  let pending = records.filter((r) => r.opened);
  while (pending.length > 0 && Date.now() - started < deadlineMs) {
    const still: CaseRecord[] = [];
    await pool(pending, 16, async (record) => {
      const observed = await observe(temporal, prisma, record.caseId).catch(() => undefined);
      if (!observed || !caughtUp(observed)) still.push(record);
    });
    pending = still;
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 1_000));
  }
  return Date.now() - started;
}

/** The checks of one case; adds what it finds to the verdict. */
async function check(temporal: Client, prisma: PrismaClient, record: CaseRecord, verdict: Verdict): Promise<void> {
  const problem = (kind: 'lost' | 'duplicated' | 'unaccepted' | 'mismatched', what: string): void => {
    verdict[kind] += 1;
    if (verdict.problems.length < 40) verdict.problems.push(`${record.caseId} ${kind}: ${what}`);
  };
  const { view, rows, row, alerts } = await observe(temporal, prisma, record.caseId);
  const keyed = new Map<string, number>();
  for (const t of view.transitions)
    if (t.requestId && !t.requestId.startsWith('decision-')) keyed.set(t.requestId, (keyed.get(t.requestId) ?? 0) + 1);
  for (const { key, type } of record.accepted) {
    const times = keyed.get(key) ?? 0;
    if (times === 0) problem('lost', `${type} (${key}) accepted, not in the case's history`);
    if (times > 1) problem('duplicated', `${type} (${key}) ${times} times in the case's history`);
  }
  const acceptedKeys = new Set(record.accepted.map((a) => a.key));
  for (const key of keyed.keys()) if (!acceptedKeys.has(key)) problem('unaccepted', `${key} in the history, never accepted`);
  const decisions = view.transitions.filter((t) => t.event === 'DECIDE_RELEASE').length;
  if (decisions > 1) problem('duplicated', `${decisions} decisions applied`);
  if (decisions > record.decisionsDelivered) problem('unaccepted', `a decision applied that the API never took`);
  if (decisions < Math.min(record.decisionsDelivered, 1)) problem('lost', 'the decision delivered never applied');
  const opens = view.transitions.filter((t) => t.event === 'OPEN_CASE').length;
  if (opens !== 1) problem('duplicated', `${opens} openings`);

  // The read model against the workflow's own view.
  const expected = view.transitions.map((t) => `${t.seq}:${t.event}:${t.toStatus}:${t.actor.id}`).join(' ');
  const actual = rows.map((r) => `${r.seq}:${r.event}:${r.toStatus}:${r.actorId}`).join(' ');
  if (expected !== actual)
    problem(rows.length < view.transitions.length ? 'lost' : 'mismatched', `read model transitions [${actual}] != [${expected}]`);
  const lastSeq = view.transitions.at(-1)?.seq ?? 0;
  const caseRow = `${view.status}/${view.careProviderId}/${view.sponsor?.category ?? null}/${lastSeq}`;
  const readRow = row ? `${row.status}/${row.careProviderId}/${row.sponsorCategory}/${row.lastSeq}` : 'none';
  if (caseRow !== readRow) problem('mismatched', `read model row ${readRow} != the case's ${caseRow}`);

  // Alerts: each fired once; each acknowledgement once, and only of one the suite sent.
  if (alerts.length !== view.alerts.firedCount) problem('mismatched', `${alerts.length} alerts stored, ${view.alerts.firedCount} fired`);
  const acks = view.alerts.acknowledgements.map((a) => a.alertId);
  if (new Set(acks).size !== acks.length) problem('duplicated', `an alert acknowledged twice: ${acks.join(', ')}`);
  for (const id of record.acks) if (!acks.includes(id)) problem('lost', `acknowledgement of ${id} accepted, not in the case`);
  for (const id of acks) if (!record.acksSent.includes(id)) problem('unaccepted', `acknowledgement of ${id} never sent`);
  if (alerts.filter((a) => a.acknowledgedAt).length !== acks.length)
    problem('mismatched', 'acknowledgements in the read model differ from the case');

  // The audit trail: verifies, one accepted entry per transition.
  const trail = await readAudit(prisma, record.caseId);
  if (!trail.verified) problem('mismatched', `audit chain breaks at ${trail.brokenAt}`);
  const audited = trail.entries.filter((e) => e.kind === 'accepted').map((e) => e.sourceKey);
  const transitions = view.transitions.map((t) => `transition:${t.seq}`);
  if (audited.join(' ') !== transitions.join(' ')) problem('mismatched', `audit entries [${audited.join(' ')}] != transitions`);
}

export async function verify(temporal: Client, prisma: PrismaClient, records: readonly CaseRecord[]): Promise<Verdict> {
  const verdict: Verdict = { cases: 0, lost: 0, duplicated: 0, unaccepted: 0, mismatched: 0, unexpected: 0, problems: [], rolledOver: 0 };
  for (const record of records) {
    verdict.unexpected += record.unexpectedRefusals.length;
    for (const line of record.unexpectedRefusals.slice(0, 2))
      if (verdict.problems.length < 40) verdict.problems.push(`${record.caseId} unexpected: ${line}`);
  }
  await pool(
    records.filter((r) => r.opened),
    16,
    async (record) => {
      verdict.cases += 1;
      const { runId, firstExecutionRunId } = await temporal.workflow
        .getHandle(caseWorkflowId(record.caseId))
        .describe()
        .then(
          (d) => ({ runId: d.runId, firstExecutionRunId: d.raw.workflowExecutionInfo?.firstRunId }),
          () => ({ runId: '', firstExecutionRunId: '' }),
        );
      if (firstExecutionRunId && runId !== firstExecutionRunId) verdict.rolledOver += 1;
      await check(temporal, prisma, record, verdict).catch((err: unknown) => {
        verdict.mismatched += 1;
        verdict.problems.push(`${record.caseId}: could not be checked: ${(err as Error).message}`);
      });
    },
  );
  return verdict;
}

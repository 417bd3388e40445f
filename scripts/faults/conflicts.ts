/**
 * R6: conflicting transitions sent at once to one case by many clients. Three rounds a case: every
 * client completes the intake, then every client identifies a sponsor (each its own), then every
 * reviewer decides (half approve, half deny). Of each round exactly one applies; the others get a
 * clean refusal (409 with the reason and the events allowed now, or a decision the case refused).
 */
import type { Actor, CaseRecord, Reply } from './load';
import type { Context, Row } from './scenarios';
import { settle, verify } from './verify';
import { LIFECYCLE, pool } from './workload';

/** A refusal a client can act on: 409 saying why, with the status and what is allowed now. */
const isCleanRefusal = (reply: Reply | undefined): boolean =>
  reply?.status === 409 &&
  ['not_allowed_in_state', 'conditions_not_met', 'case_closed'].includes(String(reply.body['code'])) &&
  Array.isArray(reply.body['allowedEvents']);

interface RoundResult {
  applied: number;
  clean: number;
  other: string[];
}

/** Every client sends its event to the case at once; answers how many applied and how the rest were refused. */
async function eventRound(
  ctx: Context,
  record: CaseRecord,
  name: string,
  body: (i: number) => Record<string, unknown>,
): Promise<RoundResult> {
  const clients: Actor[] = Array.from({ length: ctx.size.conflictClients }, (_, i) => ({
    ...record.manager,
    id: `${record.manager.id}-racer-${i}`,
  }));
  const replies = await Promise.all(
    clients.map((client, i) => {
      const key = `${record.caseId}.race-${name}.${i}`;
      return ctx.users.call(client, 'POST', `/cases/${record.caseId}/events`, body(i), key).then((reply) => ({ reply, key, i }));
    }),
  );
  const result: RoundResult = { applied: 0, clean: 0, other: [] };
  for (const { reply, key, i } of replies) {
    if (reply?.status === 200) {
      result.applied += 1;
      record.accepted.push({ key, type: String(body(i)['type']) });
    } else if (isCleanRefusal(reply)) result.clean += 1;
    else result.other.push(`${name}: ${reply?.status ?? 'no answer'} ${JSON.stringify(reply?.body ?? {}).slice(0, 200)}`);
  }
  return result;
}

/** Every reviewer decides at once: half approve, half deny. */
async function decisionRound(ctx: Context, record: CaseRecord): Promise<RoundResult> {
  const replies = await Promise.all(
    Array.from({ length: ctx.size.conflictClients }, (_, i) => {
      const reviewer: Actor = { id: `ffs-racer-${i}`, role: 'orr_reviewer' };
      const body =
        i % 2 === 0
          ? { type: 'DECIDE_RELEASE', decision: 'approve' }
          : { type: 'DECIDE_RELEASE', decision: 'deny', reason: 'Sponsor unsuitable' };
      return ctx.users.call(reviewer, 'POST', `/cases/${record.caseId}/decision`, body);
    }),
  );
  const result: RoundResult = { applied: 0, clean: 0, other: [] };
  for (const reply of replies) {
    if (reply?.status === 200 && reply.body['applied'] === true) result.applied += 1;
    else if (isCleanRefusal(reply) || (reply?.status === 200 && reply.body['applied'] === false)) result.clean += 1;
    else if (reply?.status === 202)
      result.clean += 1; // delivered: the case applies or refuses it; the history tells
    else result.other.push(`decision: ${reply?.status ?? 'no answer'} ${JSON.stringify(reply?.body ?? {}).slice(0, 200)}`);
    if (reply?.status === 200 || reply?.status === 202) record.decisionsDelivered += 1;
  }
  return result;
}

export async function r6Conflicts(ctx: Context): Promise<Row> {
  ctx.log('R6 conflicting transitions: running...');
  const before = ctx.ledger.snapshot();
  const records = await ctx.workload.open(ctx.size.conflictCases, ctx.size.concurrency);
  const notes: string[] = [];
  const problems: string[] = [];
  let lost = 0;
  let duplicated = 0;
  let unexpected = 0;
  const tally = (record: CaseRecord, round: string, result: RoundResult): void => {
    if (result.applied === 0 && round !== 'decision') lost += 1;
    if (result.applied > 1) duplicated += 1;
    unexpected += result.other.length;
    for (const line of result.other.slice(0, 2)) problems.push(`${record.caseId} ${line}`);
    if (result.applied !== 1 && round !== 'decision') problems.push(`${record.caseId} ${round}: ${result.applied} applied`);
  };
  await pool(records, ctx.size.concurrency, async (record) => {
    tally(record, 'intake', await eventRound(ctx, record, 'intake', () => LIFECYCLE[0]!.body));
    tally(
      record,
      'sponsor',
      await eventRound(ctx, record, 'sponsor', (i) => ({
        type: 'IDENTIFY_SPONSOR',
        sponsor: { category: '1' },
        reason: `Sponsor found by client ${i}`,
      })),
    );
    record.step = 2;
  });
  // To the decision one step at a time, then the reviewers race.
  await ctx.workload.advance(records, LIFECYCLE.findIndex((s) => s.kind === 'decision') - 2, ctx.size.concurrency);
  await pool(records, ctx.size.concurrency, async (record) => tally(record, 'decision', await decisionRound(ctx, record)));
  await settle(ctx.temporal, ctx.prisma, ctx.workload.cases);
  const verdict = await verify(ctx.temporal, ctx.prisma, ctx.workload.cases);
  // The decision: exactly one applied per case, from the case's own history.
  for (const record of records) {
    const view = await ctx.users.view(record.manager, record.caseId);
    const decisions = view?.transitions.filter((t) => t.event === 'DECIDE_RELEASE').length ?? 0;
    if (decisions !== 1) {
      if (decisions === 0) lost += 1;
      else duplicated += 1;
      problems.push(`${record.caseId} decision: ${decisions} applied`);
    }
  }
  verdict.lost += lost;
  verdict.duplicated += duplicated;
  verdict.unexpected += unexpected;
  verdict.problems.push(...problems.slice(0, 20));
  notes.push(`${records.length} cases x 3 rounds of ${ctx.size.conflictClients} clients at once`);
  const after = ctx.ledger.snapshot();
  const counts = Object.fromEntries(
    Object.entries(after).map(([k, v]) => [k, v - before[k as keyof typeof before]]),
  ) as unknown as Row['counts'];
  return { name: 'R6 conflicting transitions', counts, verdict, recoverMs: null, notes };
}

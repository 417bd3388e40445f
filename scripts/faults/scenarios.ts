/**
 * The fault cases R1-R7. Each drives load, strikes once mid-load, waits for the read model to
 * catch up, and checks every case it touched (verify.ts). They run in order on one stack, moving
 * the same cases along their lifecycle, so the later ones check the earlier ones' cases again.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';

import type { PrismaClient } from '../../src/db/generated/client';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../src/worker/workflow-bundle';
import type { Counts, Ledger, Users } from './load';
import type { Stack } from './stack';
import type { Verdict } from './verify';
import { settle, verify } from './verify';
import type { Workload } from './workload';

export interface Size {
  cases: number;
  concurrency: number;
  /** Schemathesis examples per operation, and as how many roles it runs (1: a case manager; 2: an admin too). */
  fuzzExamples: number;
  fuzzAs: 1 | 2;
  /** R6: cases, and clients racing on each. */
  conflictCases: number;
  conflictClients: number;
  /** R3: how long PostgreSQL stays stopped (ms). */
  outageMs: number;
}

export const SIZES: Record<'full' | 'ci', Size> = {
  full: { cases: 1_000, concurrency: 32, fuzzExamples: 100, fuzzAs: 2, conflictCases: 20, conflictClients: 12, outageMs: 30_000 },
  ci: { cases: 40, concurrency: 8, fuzzExamples: 8, fuzzAs: 1, conflictCases: 3, conflictClients: 6, outageMs: 10_000 },
};

export interface Context {
  stack: Stack;
  users: Users;
  ledger: Ledger;
  workload: Workload;
  temporal: Client;
  prisma: PrismaClient;
  size: Size;
  log: (message: string) => void;
}

export interface Row {
  name: string;
  counts: Counts;
  verdict: Verdict;
  /** How long the requests the fault struck took to end (ms), or the read model's catch-up (R3). */
  recoverMs: number | null;
  notes: string[];
}

const diff = (after: Counts, before: Counts): Counts =>
  Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof Counts]])) as unknown as Counts;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The scenario's 503s with Retry-After by code, as a note (none when there were none). */
function unavailableNote(ledger: Ledger, before: Map<string, number>): string[] {
  const byCode = [...ledger.unavailableCodes]
    .map(([code, n]) => [code, n - (before.get(code) ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .map(([code, n]) => `${code} ${n}`);
  return byCode.length === 0 ? [] : [`503 with Retry-After by code: ${byCode.join(', ')}`];
}

/** Resolves once the workload has done `share` of `total` steps. */
async function whenProgress(ctx: Context, total: number, share: number): Promise<void> {
  while (ctx.workload.progress < total * share) await sleep(50);
}

/**
 * Runs `load` with the supervisors and case managers' reads beside it and `strike` once it has
 * begun; then waits for the read model and checks the cases.
 */
async function scenario(
  ctx: Context,
  name: string,
  load: () => Promise<void>,
  strike: () => Promise<{ at?: number; recoverMs?: number; notes?: string[] }>,
): Promise<Row> {
  ctx.log(`${name}: running...`);
  const before = ctx.ledger.snapshot();
  const codesBefore = new Map(ctx.ledger.unavailableCodes);
  let stopBystanders!: () => void;
  const bystanders = ctx.workload.bystanders(new Promise<void>((r) => (stopBystanders = r)));
  const [, struck] = await Promise.all([load(), strike()]);
  stopBystanders();
  await bystanders;
  const counts = diff(ctx.ledger.snapshot(), before);
  const settledMs = await settle(ctx.temporal, ctx.prisma, ctx.workload.cases);
  const verdict = await verify(ctx.temporal, ctx.prisma, ctx.workload.cases);
  ctx.log(`${name}: done (read model settled in ${(settledMs / 1000).toFixed(1)} s)`);
  // Once the load is over, every call the fault struck has ended.
  const recoverMs = struck.recoverMs ?? (struck.at === undefined ? null : ctx.ledger.recoveryAfter(struck.at));
  const rolledOver = verdict.rolledOver > 0 ? [`${verdict.rolledOver} of ${verdict.cases} cases checked had continued as new`] : [];
  return { name, counts, verdict, recoverMs, notes: [...(struck.notes ?? []), ...rolledOver, ...unavailableNote(ctx.ledger, codesBefore)] };
}

/** R1: `kill -9` of a worker mid-load with every case open; it comes back 5 s later. */
export function r1WorkerKilled(ctx: Context): Promise<Row> {
  const steps = 3;
  return scenario(
    ctx,
    'R1 kill -9 of a worker',
    async () => {
      await ctx.workload.open(ctx.size.cases, ctx.size.concurrency);
      await ctx.workload.advance(ctx.workload.cases, steps, ctx.size.concurrency);
    },
    async () => {
      while (ctx.workload.cases.length === 0 || ctx.workload.progress < ctx.size.cases * steps * 0.4) await sleep(50);
      const at = Date.now();
      const inFlight = ctx.users.inFlight;
      await ctx.stack.kill('worker-1');
      await sleep(5_000);
      await ctx.stack.member('worker-1').start();
      return { at, notes: [`${ctx.size.cases} cases open; worker-1 of 2 killed at 40% of the load (${inFlight} requests in flight)`] };
    },
  );
}

/** R2: the Temporal server killed and started again on the same data, mid-load. */
export function r2TemporalRestarted(ctx: Context, what: string): Promise<Row> {
  const steps = 5;
  return scenario(
    ctx,
    `R2 restart of Temporal (${what})`,
    () => ctx.workload.advance(ctx.workload.cases, steps, ctx.size.concurrency),
    async () => {
      await whenProgress(ctx, ctx.size.cases * steps, 0.4);
      const at = Date.now();
      const inFlight = ctx.users.inFlight;
      await ctx.stack.temporal.kill();
      await sleep(3_000);
      await ctx.stack.temporal.start();
      return {
        at,
        notes: [`killed with SIGKILL (${inFlight} requests in flight), back after ${((Date.now() - at) / 1000).toFixed(1)} s`],
      };
    },
  );
}

/** One read during the database outage: how long it took and what it answered. */
async function probeRead(ctx: Context): Promise<string> {
  const manager = ctx.workload.cases[0]!.manager;
  const started = Date.now();
  const reply = await ctx.users.once(manager, 'GET', '/cases?limit=5');
  const took = Date.now() - started;
  return `${reply?.status ?? 'no answer'}${reply?.headers.get('retry-after') ? ` Retry-After ${reply.headers.get('retry-after')}` : ''} in ${took} ms`;
}

/** R3: PostgreSQL stopped for 30 s (10 s in CI) mid-load: transitions go on, reads answer 503 with Retry-After, the read model catches up. */
export function r3DatabaseStopped(ctx: Context): Promise<Row> {
  const steps = 3;
  const { outageMs } = ctx.size;
  return scenario(
    ctx,
    `R3 PostgreSQL stopped ${outageMs / 1000} s`,
    () => ctx.workload.advance(ctx.workload.cases, steps, ctx.size.concurrency),
    async () => {
      await whenProgress(ctx, ctx.size.cases * steps, 0.3);
      await ctx.stack.stop('postgres');
      const probes: string[] = [];
      for (const end = Date.now() + outageMs; Date.now() < end; await sleep(3_000)) probes.push(await probeRead(ctx));
      await ctx.stack.member('postgres').start();
      const back = Date.now();
      // Reads answer again once the API's pool reconnects; the read model then catches up with
      // what was accepted meanwhile (activities retry, backing off to once a minute).
      while (!(await probeRead(ctx)).startsWith('200')) await sleep(200);
      const readsBackMs = Date.now() - back;
      while (ctx.workload.progress < ctx.size.cases * steps) await sleep(200);
      await settle(ctx.temporal, ctx.prisma, ctx.workload.cases);
      const reads = [...new Set(probes.map((p) => p.replace(/ in \d+ ms$/, '')))].join(', ');
      const slowest = Math.max(...probes.map((p) => Number(/in (\d+) ms/.exec(p)?.[1] ?? 0)));
      return {
        recoverMs: readsBackMs,
        notes: [
          `reads while down: ${reads} (slowest ${slowest} ms, ${probes.length} probes)`,
          `read model caught up ${((Date.now() - back) / 1000).toFixed(1)} s after PostgreSQL was back`,
        ],
      };
    },
  );
}

/** R5: `kill -9` of an API process while it waits on Updates (the workers frozen a moment, so that many are in flight); retries with the same key go through the other API. */
export function r5ApiKilled(ctx: Context): Promise<Row> {
  const steps = 2;
  return scenario(
    ctx,
    'R5 kill -9 of an API mid-Update',
    () => ctx.workload.advance(ctx.workload.cases, steps, ctx.size.concurrency),
    async () => {
      await whenProgress(ctx, ctx.size.cases * steps, 0.3);
      const workers = ctx.stack.members.filter((m) => m.name.startsWith('worker-')).map((m) => m.name);
      for (const worker of workers) ctx.stack.freeze(worker, true);
      await sleep(1_500);
      const inFlight = ctx.users.inFlight;
      const at = Date.now();
      await ctx.stack.kill('api-1');
      for (const worker of workers) ctx.stack.freeze(worker, false);
      await sleep(3_000);
      await ctx.stack.member('api-1').start();
      return { at, notes: [`${inFlight} requests in flight when api-1 was killed (workers frozen 1.5 s)`] };
    },
  );
}

/** Whole-run check for R4 and R7 rows, which strike nothing: their own counts and no cases. */
export const emptyVerdict = (): Verdict => ({
  cases: 0,
  lost: 0,
  duplicated: 0,
  unaccepted: 0,
  mismatched: 0,
  unexpected: 0,
  problems: [],
  rolledOver: 0,
});

/** R7: every recorded history replays against the current workflow code. */
export async function r7Replay(ctx: Context): Promise<Row> {
  const dir = join(__dirname, '..', '..', 'tests', 'fixtures', 'histories');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const bundle = await bundleWorkflowCode(WORKFLOW_BUNDLE_OPTIONS);
  const verdict = emptyVerdict();
  for (const file of files) {
    const history = historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    const workflowId = `case-REC-${file.replace(/\.json$/, '')}`;
    try {
      await Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId);
    } catch (err) {
      verdict.mismatched += 1;
      verdict.problems.push(`${file}: ${(err as Error).message}`);
    }
  }
  verdict.cases = files.length;
  const counts = {
    sent: files.length,
    accepted: files.length - verdict.mismatched,
    refused: 0,
    unavailable: 0,
    serverErrors: 0,
    noAnswer: 0,
    slow: 0,
  };
  ctx.log(`R7: ${files.length} recorded histories replayed`);
  return { name: 'R7 replay of recorded histories', counts, verdict, recoverMs: null, notes: [`${files.length} histories`] };
}

/**
 * `npm run faults`: Reunify's promise under faults. Starts real processes (a Temporal server,
 * PostgreSQL, two case workers, two API processes), drives load over HTTP as case managers,
 * reviewers and supervisors would, strikes (R1-R6), and after each checks every case (verify.ts).
 * Prints a table; exits non-zero when anything was lost, doubled, unaccepted, mismatched, or a
 * request got a 5xx other than the designed 503 with Retry-After.
 *
 *   npm run faults                      # full size: 1,000 cases, R1-R7, on the dev server on disk
 *   npm run faults -- --size ci         # what CI runs: 40 cases, every case
 *   npm run faults -- --only R1,R3      # some cases (R1 opens the cases the others move on)
 *   npm run faults -- --temporal cluster  # on the production-shaped Temporal server (scripts/cluster; or `npm run cluster -- --faults`)
 */
import { parseArgs } from 'node:util';

import { Client, Connection } from '@temporalio/client';

import { openDatabase } from '../../src/db/client';
import { AesGcmCodec, parseCodecKeys } from '../../src/temporal/codec';
import { dataConverterOf } from '../../src/temporal/data-converter';
import { temporalCluster } from '../cluster/temporal';
import { r6Conflicts } from './conflicts';
import { r4Fuzz } from './fuzz';
import { Ledger, Users } from './load';
import type { Context, Row } from './scenarios';
import { SIZES, r1WorkerKilled, r2TemporalRestarted, r3DatabaseStopped, r5ApiKilled, r7Replay } from './scenarios';
import type { TemporalServer } from './stack';
import { Stack } from './stack';
import { Workload } from './workload';

const log = (message: string): void => void process.stderr.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/**
 * History events after which the fault suite's cases continue as new: about five transitions, so
 * that most cases roll over, some more than once, while workers, Temporal and APIs are killed.
 */
const FAULTS_CASE_HISTORY_LIMIT = 60;

const COLUMNS = [
  'case',
  'sent',
  'accepted',
  'refused',
  '503+Retry-After',
  'other 5xx',
  'no answer',
  'lost',
  'duplicated',
  'unaccepted',
  'mismatched',
  'unexpected',
  'recover',
];

function table(rows: Row[]): string {
  const cells = rows.map((r) => [
    r.name,
    r.counts.sent,
    r.counts.accepted,
    r.counts.refused,
    r.counts.unavailable,
    r.counts.serverErrors,
    r.counts.noAnswer,
    r.verdict.lost,
    r.verdict.duplicated,
    r.verdict.unaccepted,
    r.verdict.mismatched,
    r.verdict.unexpected,
    r.recoverMs === null ? '-' : `${(r.recoverMs / 1000).toFixed(1)} s`,
  ]);
  const lines = [COLUMNS, COLUMNS.map(() => '---'), ...cells.map((c) => c.map(String))];
  return lines.map((line) => `| ${line.join(' | ')} |`).join('\n');
}

export const failed = (row: Row): boolean =>
  row.counts.serverErrors +
    row.verdict.lost +
    row.verdict.duplicated +
    row.verdict.unaccepted +
    row.verdict.mismatched +
    row.verdict.unexpected >
  0;

export interface RunOptions {
  size: 'full' | 'ci';
  only?: string[];
  /** The Temporal server: the dev server on disk (default), or another (the cluster). */
  temporal?: { name: string; start: (dataDir: string) => Promise<TemporalServer> };
}

/** Runs the fault cases on a fresh stack; answers their rows (the stack is shut down either way). */
export async function runFaults(options: RunOptions): Promise<{ rows: Row[]; serverErrorSamples: string[] }> {
  // Cases continue as new every few transitions, so that every fault also strikes cases rolling over.
  const stack = await Stack.start({
    workers: 2,
    apis: 2,
    log,
    caseHistoryLimit: FAULTS_CASE_HISTORY_LIMIT,
    ...(options.temporal ? { temporal: options.temporal.start } : {}),
  });
  try {
    return await runFaultCases(stack, { ...options, temporalName: options.temporal?.name });
  } finally {
    await stack.shutdown();
  }
}

/**
 * Runs the fault cases on a running stack (two workers, two APIs), which each case leaves whole
 * again (what it killed is started again), so that other checks can use it afterwards.
 */
export async function runFaultCases(
  stack: Stack,
  options: Omit<RunOptions, 'temporal'> & { temporalName?: string | undefined },
): Promise<{ rows: Row[]; serverErrorSamples: string[] }> {
  const size = SIZES[options.size];
  const wanted = (name: string): boolean => !options.only || options.only.includes(name);
  const connection = await Connection.connect({ address: stack.temporal.address });
  const codec = new AesGcmCodec(parseCodecKeys(stack.env['REUNIFY_CODEC_KEYS']!));
  const temporal = new Client({ connection, dataConverter: dataConverterOf(codec) });
  const db = openDatabase(stack.databaseUrl());
  const ledger = new Ledger();
  const users = new Users(() => stack.apiBases.filter((_, i) => stack.member(`api-${i + 1}`).running), stack.jwtSecret, ledger);
  const workload = new Workload(users, Date.now().toString(36));
  const ctx: Context = { stack, users, ledger, workload, temporal, prisma: db.prisma, size, log };
  const rows: Row[] = [];
  try {
    rows.push(await r1WorkerKilled(ctx));
    if (wanted('R2')) rows.push(await r2TemporalRestarted(ctx, options.temporalName ?? 'dev server on disk'));
    if (wanted('R3')) rows.push(await r3DatabaseStopped(ctx));
    if (wanted('R5')) rows.push(await r5ApiKilled(ctx));
    if (wanted('R6')) rows.push(await r6Conflicts(ctx));
    if (wanted('R4')) rows.push(await r4Fuzz(ctx));
    if (wanted('R7')) rows.push(await r7Replay(ctx));
  } finally {
    await connection.close().catch(() => undefined);
    await db.close().catch(() => undefined);
  }
  return { rows: options.only ? rows.filter((r) => wanted(r.name.slice(0, 2))) : rows, serverErrorSamples: ledger.serverErrorSamples };
}

export function report(rows: Row[], serverErrorSamples: string[]): string {
  const details = rows.flatMap((r) => [
    ...r.notes.map((n) => `- ${r.name}: ${n}`),
    ...r.verdict.problems.map((p) => `  ! ${r.name}: ${p}`),
  ]);
  const samples = serverErrorSamples.map((s) => `  ! 5xx: ${s}`);
  return [table(rows), '', ...details, ...samples].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { size: { type: 'string', default: 'full' }, only: { type: 'string' }, temporal: { type: 'string', default: 'dev' } },
  });
  if (values.size !== 'full' && values.size !== 'ci') throw new Error('--size is full or ci');
  const started = Date.now();
  if (values.temporal !== 'dev' && values.temporal !== 'cluster') throw new Error('--temporal is dev or cluster');
  const temporal =
    values.temporal === 'cluster' ? { name: 'cluster on PostgreSQL', start: (dir: string) => temporalCluster(dir, log) } : undefined;
  const { rows, serverErrorSamples } = await runFaults({ size: values.size, only: values.only?.split(','), temporal });
  process.stdout.write(
    `\n${report(rows, serverErrorSamples)}\n\nTook ${((Date.now() - started) / 1000).toFixed(0)} s (size ${values.size}).\n`,
  );
  process.exit(rows.some(failed) ? 1 : 0);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`The fault suite failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  });
}

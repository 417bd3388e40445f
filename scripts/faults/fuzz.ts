/**
 * R4: the API fuzzed from its own OpenAPI document with Schemathesis, in its default mode
 * (positive and negative data) with every check, once as a case manager (who opens and moves
 * cases) and once as an admin (who changes targets and decodes payloads). Then, from the requests
 * Schemathesis recorded (its HAR report): no 5xx, and no state changed by a refused request: each
 * case it opened holds exactly the transitions it was answered 200 for, and the targets exactly
 * the versions it was answered 200 for.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseConfig } from '../../src/config/env';
import { caseWorkflowId } from '../../src/contracts/ids';
import { caseViewQuery } from '../../src/contracts/messages';
import type { Actor, Counts } from './load';
import { emptyCounts } from './load';
import type { Context, Row } from './scenarios';
import { emptyVerdict } from './scenarios';
import { ensureSchemathesis } from './tools';

interface HarEntry {
  request: { method: string; url: string };
  response: { status: number; content?: { text?: string } };
}

const FUZZ_PROVIDER = 'shelter-fuzz';

/** Runs `st run` against one API process as `actor`; answers its exit code, its summary and the requests it made. */
async function runSchemathesis(ctx: Context, actor: Actor, base: string): Promise<{ code: number; summary: string; entries: HarEntry[] }> {
  const st = ensureSchemathesis(parseConfig(process.env).toolsDir, ctx.log);
  const dir = mkdtempSync(join(tmpdir(), 'reunify-fuzz-'));
  const token = await ctx.users.token(actor);
  const args = [
    st.st,
    '--config-file',
    join(__dirname, 'schemathesis.toml'),
    'run',
    `${base}/docs/json`,
    '--checks',
    'all',
    '--max-examples',
    String(ctx.size.fuzzExamples),
    '--header',
    `Authorization: Bearer ${token}`,
    '--report',
    'har',
    '--report-dir',
    dir,
    '--no-color',
    // One worker thread: with two, Hypothesis parses lambdas' source on both at once, and CPython
    // 3.11 (this machine's 3.11.2 and 3.11.7) can fail that with "SystemError: AST constructor
    // recursion depth mismatch", a crash of the tool that failed a run of R4 with no request at fault.
    '--workers',
    '1',
  ];
  const env = { ...process.env, PYTHONPATH: st.pythonPath, REUNIFY_FUZZ_CARE_PROVIDER: actor.careProvider ?? '' };
  const output: string[] = [];
  const code = await new Promise<number>((resolve) => {
    // In its own folder: Schemathesis keeps a cache of the failures it found (.schemathesis/) where it runs.
    const child = spawn(st.python, args, { env, cwd: dir });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('exit', (exit) => resolve(exit ?? 1));
  });
  // Schemathesis names its HAR report har-<time>.json.
  const har = readdirSync(dir).find((f) => f.startsWith('har') || f.endsWith('.har'));
  const entries = har ? (JSON.parse(readFileSync(join(dir, har), 'utf8')) as { log: { entries: HarEntry[] } }).log.entries : [];
  rmSync(dir, { recursive: true, force: true });
  const text = output.join('');
  // Each failure with the request that reproduces it, then the summary.
  const failures = text.indexOf('FAILURES');
  const summary = text.slice(failures >= 0 ? failures : Math.max(0, text.lastIndexOf('SUMMARY') - 4_000)).slice(-30_000);
  return { code, summary, entries };
}

function countsOf(entries: HarEntry[]): Counts {
  const counts = emptyCounts();
  for (const { response } of entries) {
    counts.sent += 1;
    if (response.status < 400) counts.accepted += 1;
    else if (response.status < 500) counts.refused += 1;
    else counts.serverErrors += 1;
  }
  return counts;
}

/** Per case the fuzz opened: the transitions it was answered 200 for (events; the opening is one more). */
function acceptedPerCase(entries: HarEntry[]): Map<string, number> {
  const accepted = new Map<string, number>();
  for (const { request, response } of entries) {
    const path = new URL(request.url).pathname;
    if (request.method === 'POST' && path === '/cases' && response.status === 201) {
      const caseId = (JSON.parse(response.content?.text ?? '{}') as { caseId?: string }).caseId;
      if (caseId) accepted.set(caseId, accepted.get(caseId) ?? 0);
    }
    const event = /^\/cases\/([^/]+)\/events$/.exec(path);
    if (request.method === 'POST' && event && response.status === 200) {
      const caseId = decodeURIComponent(event[1]!);
      accepted.set(caseId, (accepted.get(caseId) ?? 0) + 1);
    }
  }
  return accepted;
}

export async function r4Fuzz(ctx: Context): Promise<Row> {
  ctx.log(`R4 Schemathesis: running (${ctx.size.fuzzAs === 1 ? 'a case manager' : 'a case manager, then an admin'})...`);
  const verdict = emptyVerdict();
  const counts = emptyCounts();
  const targetsBefore = await ctx.prisma.targetSet.count();
  let targetsAccepted = 0;
  const base = ctx.stack.apiBases[0]!;
  const notes: string[] = [];
  const actors: Actor[] = [
    { id: 'fuzz-cm', role: 'case_manager', careProvider: FUZZ_PROVIDER },
    { id: 'fuzz-admin', role: 'admin' },
  ];
  for (const actor of actors.slice(0, ctx.size.fuzzAs)) {
    const run = await runSchemathesis(ctx, actor, base);
    const got = countsOf(run.entries);
    for (const key of Object.keys(counts) as (keyof Counts)[]) counts[key] += got[key];
    notes.push(`as ${actor.role}: ${run.entries.length} requests, schemathesis exit ${run.code}`);
    if (run.code !== 0) {
      verdict.unexpected += 1;
      verdict.problems.push(`schemathesis as ${actor.role} failed:\n${run.summary}`);
    }
    targetsAccepted += run.entries.filter(
      (e) => e.request.method === 'PUT' && new URL(e.request.url).pathname === '/targets' && e.response.status === 200,
    ).length;
    for (const [caseId, events] of acceptedPerCase(run.entries)) {
      verdict.cases += 1;
      const view = await ctx.temporal.workflow.getHandle(caseWorkflowId(caseId)).query(caseViewQuery);
      // A 409 for a request the case refused is no transition; each 200 is one.
      if (view.transitions.length !== events + 1) {
        verdict.mismatched += 1;
        verdict.problems.push(`${caseId}: ${view.transitions.length - 1} transitions after the opening, ${events} accepted`);
      }
    }
  }
  // What the API logged for each 500: the error behind it, for whoever fixes it.
  const logged = (ctx.stack.member('api-1').running?.output.join('') ?? '').split('\n').filter((line) => line.includes('request failed'));
  for (const line of logged.slice(0, 5)) verdict.problems.push(`API log: ${line.slice(0, 3_000)}`);
  const targetsAfter = await ctx.prisma.targetSet.count();
  if (targetsAfter - targetsBefore !== targetsAccepted) {
    verdict.mismatched += 1;
    verdict.problems.push(`${targetsAfter - targetsBefore} targets versions saved, ${targetsAccepted} accepted`);
  }
  notes.push(
    `${verdict.cases} cases opened by the fuzz checked; targets versions ${targetsAfter - targetsBefore}/${targetsAccepted} accepted`,
  );
  return { name: 'R4 Schemathesis fuzz', counts, verdict, recoverMs: null, notes };
}

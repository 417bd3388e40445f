/**
 * `npm run bench`: Reunify on the real stack against Temporal's own round trip. Brings up the
 * dev server (or TEMPORAL_ADDRESS), PGlite (or DATABASE_URL), a worker and the API in this process,
 * then: (1) the baseline, a no-op Workflow Update; (2) full case lifecycles over HTTP, concurrently,
 * every transition timed from request to response; (3) capacity: many open cases with pending
 * timers, memory, and how late their alerts fire. Writes JSON and Markdown under bench/results.
 *
 *   npm run bench -- [--cases 200] [--concurrency 16] [--open-cases 10000] [--timer-seconds 120]
 *                    [--baseline 300] [--duration 0] [--smoke] [--no-codec]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

import { appOptionsFrom, buildApp } from '../src/api/app';
import { codecFrom, dataConverterOf, tokenSettingsFrom } from '../src/auth/settings';
import { signToken } from '../src/auth/tokens';
import { parseConfig } from '../src/config/env';
import { caseCommandUpdate } from '../src/contracts/messages';
import { DEFAULT_TARGETS } from '../src/contracts/targets';
import { prepareDatabase } from '../src/db/client';
import { startTemporal } from '../src/temporal/server';
import { createCaseWorker } from '../src/worker/create-worker';
import { ping, stop } from './baseline-workflow';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '16' },
    'open-cases': { type: 'string', default: '10000' },
    'open-concurrency': { type: 'string', default: '32' },
    'timer-seconds': { type: 'string', default: '120' },
    baseline: { type: 'string', default: '300' },
    duration: { type: 'string', default: '0' },
    out: { type: 'string', default: join(__dirname, 'results') },
    smoke: { type: 'boolean', default: false },
    'no-codec': { type: 'boolean', default: false },
  },
});
const count = (name: keyof typeof values, min = 0): number => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}, not ${values[name]}`);
  return n;
};
const params = values.smoke
  ? { cases: 6, concurrency: 3, openCases: 40, openConcurrency: 8, timerSeconds: 8, baseline: 30, durationSeconds: 0 }
  : {
      cases: count('cases', 1),
      concurrency: count('concurrency', 1),
      openCases: count('open-cases'),
      openConcurrency: count('open-concurrency', 1),
      timerSeconds: count('timer-seconds', 2),
      baseline: count('baseline', 1),
      durationSeconds: count('duration'),
    };

const progress = (message: string): void => {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
};
const percentiles = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  const round = (x: number) => Math.round(x * 10) / 10;
  return { n: sorted.length, p50: round(at(50)), p95: round(at(95)), p99: round(at(99)), max: round(sorted.at(-1) ?? NaN) };
};

/** Runs `total` jobs with at most `limit` at once. */
async function pool(total: number, limit: number, job: (i: number) => Promise<void>, report?: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, total) }, async () => {
      while (next < total) {
        const i = next++;
        await job(i);
        done += 1;
        report?.(done);
      }
    }),
  );
}

function rssOfProcessListening(port: number): number | null {
  try {
    const pids = execFileSync('pgrep', ['-f', `start-dev.*--port ${port}`], { encoding: 'utf8' }).trim().split('\n');
    const status = readFileSync(`/proc/${pids[0]}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const dataDir = process.env['REUNIFY_DATA_DIR'] ?? mkdtempSync(join(tmpdir(), 'reunify-bench-'));
  const config = parseConfig({
    ...process.env,
    REUNIFY_DATA_DIR: dataDir,
    TEMPORAL_PORT: process.env['TEMPORAL_PORT'] ?? String(await freePort()),
    TEMPORAL_UI_PORT: process.env['TEMPORAL_UI_PORT'] ?? String(await freePort()),
  });
  const cleanups: (() => Promise<unknown>)[] = [];
  const started = Date.now();
  try {
    progress(`Starting the stack (${config.temporal.address ? `Temporal at ${config.temporal.address}` : 'dev server'}, ${config.database.kind === 'pglite' ? 'PGlite' : 'PostgreSQL server'})...`);
    const temporal = await startTemporal(config, progress);
    cleanups.push(() => temporal.shutdown());
    const db = await prepareDatabase(process.env.DATABASE_URL ? process.env : { ...process.env, REUNIFY_DATA_DIR: dataDir }, config.database, progress);
    cleanups.push(() => db.close());
    // --no-codec: payloads in the clear, to measure what encryption costs (never in production).
    const codec = codecFrom(config);
    const dataConverter = values['no-codec'] ? undefined : dataConverterOf(codec);
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    cleanups.push(() => nativeConnection.close());
    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: temporal.namespace, dataConverter });
    const taskQueue = `bench-cases-${started.toString(36)}`;
    const worker = await createCaseWorker({
      connection: nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      dataConverter,
      maxCachedWorkflows: config.workerMaxCachedWorkflows,
      deps: { prisma: db.prisma, temporal: client },
    });
    const baselineWorker = await Worker.create({
      connection: nativeConnection,
      namespace: temporal.namespace,
      taskQueue: `${taskQueue}-baseline`,
      workflowsPath: require.resolve('./baseline-workflow'),
      dataConverter,
    });
    const runs = [worker.run(), baselineWorker.run()];
    cleanups.push(async () => {
      worker.shutdown();
      baselineWorker.shutdown();
      await Promise.allSettled(runs);
    });
    const app = await buildApp({ ...appOptionsFrom(config, codec), temporal: client, prisma: db.prisma, taskQueue, rateLimitPerMinute: 100_000_000 });
    const api = await app.listen({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => app.close());

    const tokens = tokenSettingsFrom(config);
    const secret = (tokens.key as { secret: string }).secret;
    const sign = (sub: string, role: string, care_provider?: string) =>
      signToken(secret, { sub, role, care_provider }, { issuer: tokens.issuer, audience: tokens.audience, expiresIn: '12h' });
    const [cm, ffs, admin] = await Promise.all([sign('bench-cm', 'case_manager', 'bench-shelter'), sign('bench-ffs', 'orr_reviewer'), sign('bench-admin', 'admin')]);
    const call = async (method: string, path: string, token: string, body?: unknown): Promise<{ ms: number; status: number; json: unknown }> => {
      const t0 = performance.now();
      const response = await fetch(`${api}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = await response.json();
      return { ms: performance.now() - t0, status: response.status, json };
    };
    progress(`Stack up in ${((Date.now() - started) / 1000).toFixed(1)} s; API at ${api}`);

    // 1. Baseline: Temporal's own Update round trip on a no-op workflow, same server, same codec.
    // One baseline workflow per concurrent caller, as each Reunify lifecycle has its own case.
    const baselineHandles = await Promise.all(
      Array.from({ length: params.concurrency }, (_, i) =>
        client.workflow.start('baselineWorkflow', { taskQueue: `${taskQueue}-baseline`, workflowId: `bench-baseline-${started}-${i}` }),
      ),
    );
    const baselineSequential: number[] = [];
    for (let i = 0; i < params.baseline; i += 1) {
      const t0 = performance.now();
      await baselineHandles[0]!.executeUpdate(ping, { args: [i] });
      baselineSequential.push(performance.now() - t0);
    }
    const baselineConcurrent: number[] = [];
    let slot = 0;
    await Promise.all(
      baselineHandles.map(async (handle) => {
        while (slot < params.baseline) {
          slot += 1;
          const t0 = performance.now();
          await handle.executeUpdate(ping, { args: [slot] });
          baselineConcurrent.push(performance.now() - t0);
        }
      }),
    );
    await Promise.all(baselineHandles.map((handle) => handle.signal(stop)));
    progress(`Baseline: ${params.baseline} Updates sequentially and ${params.concurrency} at a time`);

    // 2. Reunify: full lifecycles over HTTP, `concurrency` cases at a time.
    const transitionMs: number[] = [];
    const byEvent: Record<string, number[]> = {};
    const failures: string[] = [];
    const timed = async (label: string, method: string, path: string, token: string, body?: unknown, expected = [200, 201]) => {
      const reply = await call(method, path, token, body);
      if (!expected.includes(reply.status)) {
        failures.push(`${label} ${reply.status} ${JSON.stringify(reply.json).slice(0, 200)}`);
        throw new Error(`${label}: HTTP ${reply.status}`);
      }
      transitionMs.push(reply.ms);
      (byEvent[label] ??= []).push(reply.ms);
      return reply.json as { checks?: Record<string, string> };
    };
    const lifecycle = async (caseId: string): Promise<void> => {
      const base = `/cases/${caseId}`;
      await timed('OPEN_CASE', 'POST', '/cases', cm, { caseId, admittedAt: new Date().toISOString(), careProviderId: 'bench-shelter', child: { birthDate: '2014-04-01' } });
      await timed('COMPLETE_INTAKE', 'POST', `${base}/events`, cm, { type: 'COMPLETE_INTAKE' });
      await timed('IDENTIFY_SPONSOR', 'POST', `${base}/events`, cm, { type: 'IDENTIFY_SPONSOR', sponsor: { category: '1' }, reason: 'Mother located' });
      const vetting = await timed('COMPLETE_ASSESSMENT', 'POST', `${base}/events`, cm, { type: 'COMPLETE_ASSESSMENT' });
      for (const [check, status] of Object.entries(vetting.checks ?? {})) {
        if (status === 'pending') await timed('CLEAR_CHECK', 'POST', `${base}/events`, cm, { type: 'CLEAR_CHECK', check });
      }
      await timed('COMPLETE_VETTING', 'POST', `${base}/events`, cm, { type: 'COMPLETE_VETTING' });
      await timed('RECOMMEND_RELEASE', 'POST', `${base}/events`, cm, { type: 'RECOMMEND_RELEASE', recommendation: 'release' });
      await timed('DECIDE_RELEASE', 'POST', `${base}/decision`, ffs, { type: 'DECIDE_RELEASE', decision: 'approve' });
      await timed('RELEASE_CHILD', 'POST', `${base}/events`, cm, { type: 'RELEASE_CHILD' });
      await timed('COMPLETE_FOLLOW_UP', 'POST', `${base}/events`, cm, { type: 'COMPLETE_FOLLOW_UP' });
    };
    const lifecycleStart = performance.now();
    let completed = 0;
    let failed = 0;
    let started_ = 0;
    const deadline = params.durationSeconds > 0 ? Date.now() + params.durationSeconds * 1000 : Infinity;
    const more = () => (Number.isFinite(deadline) ? Date.now() < deadline : started_ < params.cases);
    let lastReport = 0;
    await Promise.all(
      Array.from({ length: params.concurrency }, async () => {
        while (more()) {
          const i = started_++;
          await lifecycle(`BENCH-${started.toString(36)}-${i}`).then(
            () => (completed += 1),
            () => (failed += 1),
          );
          if (Date.now() - lastReport > 5000) {
            lastReport = Date.now();
            progress(`Lifecycles: ${completed} done, ${failed} failed`);
          }
        }
      }),
    );
    const lifecycles = completed + failed;
    const lifecycleSeconds = (performance.now() - lifecycleStart) / 1000;
    progress(`Lifecycles done: ${completed} (${failed} failed) in ${lifecycleSeconds.toFixed(1)} s`);

    // Where the time goes: the same case Update sent straight to Temporal (no HTTP, no auth, no
    // response validation) on fresh cases, one at a time, beside the HTTP path at concurrency 1.
    const direct: number[] = [];
    const viaHttp: number[] = [];
    for (let i = 0; i < Math.max(3, Math.min(20, params.cases)); i += 1) {
      const caseId = `PROBE-${started.toString(36)}-${i}`;
      await call('POST', '/cases', cm, { caseId, admittedAt: new Date().toISOString(), careProviderId: 'bench-shelter', child: { birthDate: '2014-04-01' } });
      await call('POST', `/cases/${caseId}/events`, cm, { type: 'COMPLETE_INTAKE' });
      const handle = client.workflow.getHandle(`case-${caseId}`);
      let t0 = performance.now();
      await handle.executeUpdate(caseCommandUpdate, {
        args: [{ type: 'IDENTIFY_SPONSOR', sponsor: { category: '1' }, actor: { id: 'bench-cm', role: 'case_manager' } }],
      });
      direct.push(performance.now() - t0);
      t0 = performance.now();
      const reply = await call('POST', `/cases/${caseId}/events`, cm, { type: 'COMPLETE_ASSESSMENT' });
      if (reply.status === 200) viaHttp.push(performance.now() - t0);
    }
    const probe = { directUpdateMs: percentiles(direct), httpUpdateMs: percentiles(viaHttp) };
    progress(`Probe: direct Update p50 ${probe.directUpdateMs.p50} ms, over HTTP p50 ${probe.httpUpdateMs.p50} ms`);

    // 3. Capacity: many open cases, each with its timers; memory; then how late the alerts fire.
    let capacity: Record<string, unknown> = { skipped: true };
    if (params.openCases > 0) {
      const seconds = params.timerSeconds;
      const targets = {
        ...DEFAULT_TARGETS,
        stages: DEFAULT_TARGETS.stages.map((s) => (s.name === 'sponsor_identified' ? { ...s, days: seconds / 86_400 } : s)),
      };
      const put = await call('PUT', '/targets', admin, { reason: 'benchmark: sponsor identification in seconds', targets });
      if (put.status !== 200) throw new Error(`PUT /targets: ${put.status} ${JSON.stringify(put.json)}`);
      const prefix = `CAP-${started.toString(36)}`;
      const openStart = performance.now();
      const openMs: number[] = [];
      let lastReport = 0;
      await pool(
        params.openCases,
        params.openConcurrency,
        async (i) => {
          const reply = await call('POST', '/cases', cm, { caseId: `${prefix}-${i}`, admittedAt: new Date().toISOString(), careProviderId: 'bench-shelter', child: { birthDate: '2014-04-01' } });
          if (reply.status !== 201) failures.push(`open ${reply.status} ${JSON.stringify(reply.json).slice(0, 200)}`);
          openMs.push(reply.ms);
        },
        (done) => {
          if (Date.now() - lastReport > 5000) {
            lastReport = Date.now();
            progress(`Open cases: ${done}/${params.openCases}`);
          }
        },
      );
      const openSeconds = (performance.now() - openStart) / 1000;
      const memory = process.memoryUsage();
      const serverRss = config.temporal.address ? null : rssOfProcessListening(config.temporal.devServerPort);
      progress(`Opened ${params.openCases} cases in ${openSeconds.toFixed(1)} s; process RSS ${(memory.rss / 2 ** 20).toFixed(0)} MiB`);
      // Each case warns at 70% of the target and escalates at 100%: 2 alerts per case.
      const expected = params.openCases * 2;
      const waitUntil = Date.now() + (seconds + 120) * 1000 + openSeconds * 1000;
      let fired = 0;
      while (Date.now() < waitUntil) {
        fired = await db.prisma.alert.count({ where: { caseId: { startsWith: prefix }, rule: 'stage' } });
        progress(`Alerts fired: ${fired}/${expected}`);
        if (fired >= expected) break;
        await new Promise((r) => setTimeout(r, 5000));
      }
      const rows = await db.prisma.alert.findMany({ where: { caseId: { startsWith: prefix }, rule: 'stage' }, select: { dueAt: true, firedAt: true, kind: true } });
      const lateness = rows.map((r) => r.firedAt.getTime() - r.dueAt.getTime());
      const afterMemory = process.memoryUsage();
      capacity = {
        openCases: params.openCases,
        openSeconds: Math.round(openSeconds * 10) / 10,
        opensPerSecond: Math.round((params.openCases / openSeconds) * 10) / 10,
        openLatencyMs: percentiles(openMs),
        timerSeconds: seconds,
        alertsExpected: expected,
        alertsFired: rows.length,
        timerLatenessMs: percentiles(lateness),
        lateOver1s: lateness.filter((ms) => ms > 1000).length,
        memoryWithOpenCases: {
          processRssMiB: Math.round(memory.rss / 2 ** 20),
          processHeapUsedMiB: Math.round(memory.heapUsed / 2 ** 20),
          processRssAfterTimersMiB: Math.round(afterMemory.rss / 2 ** 20),
          devServerRssMiB: serverRss === null ? null : Math.round(serverRss / 2 ** 20),
        },
      };
    }

    const baselineP50 = percentiles(baselineSequential).p50;
    const concurrentBaselineP50 = percentiles(baselineConcurrent).p50;
    const transitions = percentiles(transitionMs);
    const result = {
      at: new Date(started).toISOString(),
      machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      stack: {
        workerMaxCachedWorkflows: config.workerMaxCachedWorkflows,
        temporal: config.temporal.address ?? 'dev server (SQLite WAL)',
        database: config.database.kind,
        codec: values['no-codec'] ? 'none (--no-codec)' : 'AES-256-GCM',
      },
      params,
      baseline: { sequentialMs: percentiles(baselineSequential), concurrentMs: percentiles(baselineConcurrent) },
      reunify: {
        lifecycles,
        completedLifecycles: completed,
        failedRequests: failures.length,
        seconds: Math.round(lifecycleSeconds * 10) / 10,
        lifecyclesPerSecond: Math.round((completed / lifecycleSeconds) * 100) / 100,
        transitionsPerSecond: Math.round((transitionMs.length / lifecycleSeconds) * 10) / 10,
        transitionMs: transitions,
        ratioToBaselineP50: Math.round((transitions.p50 / concurrentBaselineP50) * 100) / 100,
        ratioToSequentialBaselineP50: Math.round((transitions.p50 / baselineP50) * 100) / 100,
        byEvent: Object.fromEntries(Object.entries(byEvent).map(([k, v]) => [k, percentiles(v)])),
      },
      probe,
      capacity,
      failures: failures.slice(0, 20),
      totalSeconds: Math.round((Date.now() - started) / 100) / 10,
    };
    mkdirSync(values.out!, { recursive: true });
    const stamp = result.at.replace(/[:.]/g, '-');
    const jsonPath = join(values.out!, `${values.smoke ? 'smoke-' : ''}${stamp}.json`);
    writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
    const md = markdown(result);
    writeFileSync(jsonPath.replace(/\.json$/, '.md'), md);
    process.stdout.write(`${md}\nWritten: ${jsonPath} (and .md)\n`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

function markdown(r: Record<string, any>): string {
  const cap = r['capacity'];
  const rows = [
    ['transition latency p50 / p95 / p99', `${r.reunify.transitionMs.p50} / ${r.reunify.transitionMs.p95} / ${r.reunify.transitionMs.p99} ms`, ''],
    ['baseline Update p50 (same concurrency / sequential)', `${r.baseline.concurrentMs.p50} / ${r.baseline.sequentialMs.p50} ms`, ''],
    ['ratio to baseline p50 (same concurrency / sequential)', `${r.reunify.ratioToBaselineP50} / ${r.reunify.ratioToSequentialBaselineP50}`, 'goal ≤ 1.3'],
    ['lifecycles per second', `${r.reunify.lifecyclesPerSecond}`, 'goal ≥ 10 on two cores'],
    ['transitions per second', `${r.reunify.transitionsPerSecond}`, ''],
    ['failed requests', `${r.reunify.failedRequests}`, ''],
    ['one case Update alone: straight to Temporal / over HTTP (p50)', `${r.probe.directUpdateMs.p50} / ${r.probe.httpUpdateMs.p50} ms`, 'where the time goes'],
  ];
  if (!cap.skipped) {
    rows.push(
      ['open cases', `${cap.openCases} (opened at ${cap.opensPerSecond}/s)`, 'goal 10,000'],
      ['process RSS with open cases (worker + API + load)', `${cap.memoryWithOpenCases.processRssMiB} MiB`, 'goal < 1.5 GB'],
      ['dev server RSS', cap.memoryWithOpenCases.devServerRssMiB === null ? 'n/a' : `${cap.memoryWithOpenCases.devServerRssMiB} MiB`, ''],
      ['alerts fired / expected', `${cap.alertsFired} / ${cap.alertsExpected}`, ''],
      ['timer lateness p50 / p95 / p99 / max', `${cap.timerLatenessMs.p50} / ${cap.timerLatenessMs.p95} / ${cap.timerLatenessMs.p99} / ${cap.timerLatenessMs.max} ms`, 'goal ≤ 1000 ms'],
    );
  }
  return [
    `## Reunify benchmark, ${r.at}`,
    '',
    `Machine: ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}. Stack: ${r.stack.temporal}, ${r.stack.database}, codec ${r.stack.codec}.`,
    `Parameters: ${JSON.stringify(r.params)}.`,
    '',
    '| measure | value | goal |',
    '|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ].join('\n');
}

main().catch((err) => {
  progress(`Benchmark failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});

/**
 * `npm run bench`: Reunify on the real stack against Temporal's own round trip. Brings up the
 * dev server (or TEMPORAL_ADDRESS), the embedded PostgreSQL server (or DATABASE_URL), the case worker
 * in its own process (`npm run start:worker`, as deployed) and the API in this process,
 * then: (1) the baseline, a no-op Workflow Update; (2) full case lifecycles over HTTP, concurrently,
 * every transition timed from request to response; (3) capacity: many open cases with pending
 * timers, memory, and how late their alerts fire. Writes JSON and Markdown under bench/results.
 *
 *   npm run bench -- [--cases 200] [--concurrency 16] [--open-cases 10000] [--timer-seconds 120]
 *                    [--due-per-second 10] [--baseline 300] [--duration 0] [--smoke] [--no-codec] [--one-process]
 *
 * The worker's memory is measured alone. `--one-process` (or `--no-codec`, whose clients a separate
 * worker would not match) runs the worker in this process instead.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

import { appOptionsFrom, buildApp } from '../src/api/app';
import { tokenSettingsFrom } from '../src/auth/settings';
import { signToken } from '../src/auth/tokens';
import { parseConfig } from '../src/config/env';
import { caseCommandUpdate } from '../src/contracts/messages';
import { DEFAULT_TARGETS } from '../src/contracts/targets';
import { prepareDatabase } from '../src/db/client';
import { startDatabaseServer } from '../src/db/locate';
import { codecFrom, dataConverterOf } from '../src/temporal/data-converter';
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
    'due-per-second': { type: 'string', default: '10' },
    smoke: { type: 'boolean', default: false },
    'no-codec': { type: 'boolean', default: false },
    'one-process': { type: 'boolean', default: false },
  },
});
const count = (name: keyof typeof values, min = 0): number => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}, not ${values[name]}`);
  return n;
};
const params = values.smoke
  ? { cases: 6, concurrency: 3, openCases: 40, openConcurrency: 8, timerSeconds: 8, duePerSecond: 2, baseline: 30, durationSeconds: 0 }
  : {
      cases: count('cases', 1),
      concurrency: count('concurrency', 1),
      openCases: count('open-cases'),
      openConcurrency: count('open-concurrency', 1),
      timerSeconds: count('timer-seconds', 2),
      duePerSecond: count('due-per-second', 1),
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

function rssOf(pid: number | undefined): number | null {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

function rssOfProcessListening(port: number): number | null {
  try {
    const pids = execFileSync('pgrep', ['-f', `start-dev.*--port ${port}`], { encoding: 'utf8' })
      .trim()
      .split('\n');
    return rssOf(Number(pids[0]));
  } catch {
    return null;
  }
}

const mib = (bytes: number | null): number | null => (bytes === null ? null : Math.round(bytes / 2 ** 20));

/** `npm run start:worker` in its own process, as deployed; resolves once it polls. */
async function spawnWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'src', 'worker', 'main.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Case worker running')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`The worker process exited (${code}) before it ran:\n${output.slice(-2000)}`)));
    setTimeout(() => reject(new Error(`The worker process did not report running within 60 s:\n${output.slice(-2000)}`)), 60_000).unref();
  });
  // Keep draining its output, or it blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
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
    REUNIFY_POSTGRES_PORT: process.env['REUNIFY_POSTGRES_PORT'] ?? String(await freePort()),
  });
  const cleanups: (() => Promise<unknown>)[] = [];
  const started = Date.now();
  try {
    progress(
      `Starting the stack (${config.temporal.address ? `Temporal at ${config.temporal.address}` : 'dev server'}, ${config.database.kind === 'embedded' ? 'embedded PostgreSQL' : 'PostgreSQL server'})...`,
    );
    const temporal = await startTemporal(config, progress);
    cleanups.push(() => temporal.shutdown());
    const database = await startDatabaseServer(config.database, progress);
    cleanups.push(() => database.stop());
    const db = await prepareDatabase(database.url);
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
    // With --no-codec a separate worker (which always seals payloads) would not match the clients.
    const separateWorker = !values['one-process'] && !values['no-codec'];
    let workerProcess: ChildProcess | undefined;
    if (separateWorker) {
      progress('Starting the case worker in its own process...');
      workerProcess = await spawnWorker({
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_NAMESPACE: temporal.namespace,
        TEMPORAL_TASK_QUEUE: taskQueue,
        // It finds the embedded server through the data folder (or uses DATABASE_URL, inherited).
        REUNIFY_DATA_DIR: dataDir,
        // Its "running" line is logged at info.
        LOG_LEVEL: 'info',
      });
      const child = workerProcess;
      cleanups.push(async () => {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      });
    }
    const worker = separateWorker
      ? undefined
      : await createCaseWorker({
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
    const runs = [worker?.run(), baselineWorker.run()];
    cleanups.push(async () => {
      worker?.shutdown();
      baselineWorker.shutdown();
      await Promise.allSettled(runs);
    });
    const app = await buildApp({
      ...appOptionsFrom(config, codec),
      temporal: client,
      prisma: db.prisma,
      taskQueue,
      rateLimitPerMinute: 100_000_000,
    });
    const api = await app.listen({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => app.close());

    const tokens = tokenSettingsFrom(config);
    const secret = (tokens.key as { secret: string }).secret;
    const sign = (sub: string, role: string, care_provider?: string) =>
      signToken(secret, { sub, role, care_provider }, { issuer: tokens.issuer, audience: tokens.audience, expiresIn: '12h' });
    const [cm, ffs] = await Promise.all([sign('bench-cm', 'case_manager', 'bench-shelter'), sign('bench-ffs', 'orr_reviewer')]);
    const call = async (
      method: string,
      path: string,
      token: string,
      body?: unknown,
    ): Promise<{ ms: number; status: number; json: unknown }> => {
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
      await timed('OPEN_CASE', 'POST', '/cases', cm, {
        caseId,
        admittedAt: new Date().toISOString(),
        careProviderId: 'bench-shelter',
        child: { birthDate: '2014-04-01' },
      });
      await timed('COMPLETE_INTAKE', 'POST', `${base}/events`, cm, { type: 'COMPLETE_INTAKE' });
      await timed('IDENTIFY_SPONSOR', 'POST', `${base}/events`, cm, {
        type: 'IDENTIFY_SPONSOR',
        sponsor: { category: '1' },
        reason: 'Mother located',
      });
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

    // Where the time goes: one case Update at a time, straight to Temporal (no HTTP, no auth, no
    // response validation) and over HTTP; each sent to a case at rest (its last transition already
    // projected) and back to back (right after the previous answer, as the lifecycles above do).
    // "At rest": a quarter of a second after the previous call, when its projection is done; the
    // baseline is timed the same way, since an idle connection and worker answer slower than busy ones.
    const probe = {
      baselineAtRest: [] as number[],
      directAtRest: [] as number[],
      httpAtRest: [] as number[],
      directBackToBack: [] as number[],
      httpBackToBack: [] as number[],
    };
    const rest = () => new Promise((r) => setTimeout(r, 250));
    const atRest = async (caseId: string, seq: number): Promise<void> => {
      for (let i = 0; i < 200; i += 1) {
        const row = await db.prisma.case.findUnique({ where: { id: caseId }, select: { lastSeq: true } });
        if (row && row.lastSeq >= seq) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await rest();
    };
    const probeBaseline = await client.workflow.start('baselineWorkflow', {
      taskQueue: `${taskQueue}-baseline`,
      workflowId: `bench-baseline-${started}-probe`,
    });
    const cmActor = { id: 'bench-cm', role: 'case_manager' } as const;
    // The same two events each way (cases alternate): COMPLETE_INTAKE at rest, IDENTIFY_SPONSOR right after.
    const send = (caseId: string, viaHttp: boolean, event: Record<string, unknown>): Promise<unknown> =>
      viaHttp
        ? call('POST', `/cases/${caseId}/events`, cm, event).then((reply) => {
            if (reply.status !== 200) throw new Error(`probe ${event['type']}: HTTP ${reply.status}`);
          })
        : client.workflow.getHandle(`case-${caseId}`).executeUpdate(caseCommandUpdate, { args: [{ ...event, actor: cmActor } as never] });
    const probeRounds = Math.max(4, Math.min(40, params.cases * 2));
    for (let i = 0; i < probeRounds; i += 1) {
      const caseId = `PROBE-${started.toString(36)}-${i}`;
      const viaHttp = i % 2 === 1;
      await rest();
      let t0 = performance.now();
      await probeBaseline.executeUpdate(ping, { args: [i] });
      probe.baselineAtRest.push(performance.now() - t0);
      await call('POST', '/cases', cm, {
        caseId,
        admittedAt: new Date().toISOString(),
        careProviderId: 'bench-shelter',
        child: { birthDate: '2014-04-01' },
      });
      await atRest(caseId, 0);
      t0 = performance.now();
      await send(caseId, viaHttp, { type: 'COMPLETE_INTAKE' });
      (viaHttp ? probe.httpAtRest : probe.directAtRest).push(performance.now() - t0);
      t0 = performance.now();
      await send(caseId, viaHttp, { type: 'IDENTIFY_SPONSOR', sponsor: { category: '1' } });
      (viaHttp ? probe.httpBackToBack : probe.directBackToBack).push(performance.now() - t0);
    }
    await probeBaseline.signal(stop);
    const probeMs = Object.fromEntries(Object.entries(probe).map(([k, v]) => [k, percentiles(v)])) as Record<
      keyof typeof probe,
      ReturnType<typeof percentiles>
    >;
    progress(
      `Probe (p50): at rest, baseline ${probeMs.baselineAtRest.p50} ms, direct ${probeMs.directAtRest.p50} ms, HTTP ${probeMs.httpAtRest.p50} ms; back to back, direct ${probeMs.directBackToBack.p50} ms, HTTP ${probeMs.httpBackToBack.p50} ms`,
    );

    // 3. Capacity: many open cases, each with its timers (under the default targets: sponsor
    // identification escalates 3 days after admission), the memory they take, then how late
    // escalations fire. Most cases are admitted now (deadlines days away, timers pending); the last
    // `duePerSecond x timerSeconds` are admitted 3 days before a moment in the measuring window, so
    // that their escalations fall due evenly through it, `duePerSecond` a second.
    let capacity: Record<string, unknown> = { skipped: true };
    if (params.openCases > 0) {
      const window = params.timerSeconds;
      const dueCases = Math.min(params.openCases, params.duePerSecond * window);
      const escalateAfterMs = DEFAULT_TARGETS.stages.find((stage) => stage.name === 'sponsor_identified')!.days * 86_400_000;
      const prefix = `CAP-${started.toString(36)}`;
      const openStart = performance.now();
      const openMs: number[] = [];
      const openedAt = new Map<string, number>();
      let lastReport = 0;
      const openCase = async (i: number, admittedAt: Date): Promise<void> => {
        const caseId = `${prefix}-${i}`;
        const reply = await call('POST', '/cases', cm, {
          caseId,
          admittedAt: admittedAt.toISOString(),
          careProviderId: 'bench-shelter',
          child: { birthDate: '2014-04-01' },
        });
        if (reply.status !== 201) failures.push(`open ${reply.status} ${JSON.stringify(reply.json).slice(0, 200)}`);
        openMs.push(reply.ms);
        openedAt.set(caseId, Date.now());
      };
      const report = (done: number): void => {
        if (Date.now() - lastReport > 5000) {
          lastReport = Date.now();
          progress(`Open cases: ${done}/${params.openCases}`);
        }
      };
      // Opening answers once a case's workflow runs; its first projection may still be queued. Wait
      // for the read model to hold every case, so the window measures timers, not the opening's backlog.
      const settled = async (count: number): Promise<void> => {
        for (;;) {
          const projected = await db.prisma.case.count({ where: { id: { startsWith: prefix } } });
          if (projected >= count) return;
          progress(`Waiting for the opened cases to be projected: ${projected}/${count}`);
          await new Promise((r) => setTimeout(r, 2000));
        }
      };
      const farCases = params.openCases - dueCases;
      // In batches the worker's cache holds: a backlog larger than the cache makes every queued task
      // replay its case from history, which slows the worker further (measured: 10 tasks/s).
      const batch = Math.max(50, Math.floor(config.workerMaxCachedWorkflows / 2));
      for (let from = 0; from < farCases; from += batch) {
        const size = Math.min(batch, farCases - from);
        await pool(
          size,
          params.openConcurrency,
          (i) => openCase(from + i, new Date()),
          (done) => report(from + done),
        );
        await settled(from + size);
      }
      // The window opens once the due cases are open and settled too, at the rate measured so far.
      const rate = farCases > 0 ? farCases / ((performance.now() - openStart) / 1000) : 20;
      const windowStart = Date.now() + Math.ceil((dueCases / rate) * 1.5 + 10) * 1000;
      await pool(
        dueCases,
        params.openConcurrency,
        (j) => openCase(farCases + j, new Date(windowStart + Math.round((j * 1000) / params.duePerSecond) - escalateAfterMs)),
        (done) => report(farCases + done),
      );
      await settled(params.openCases);
      const openSeconds = (performance.now() - openStart) / 1000;
      if (Date.now() > windowStart)
        progress(`The window opened ${Date.now() - windowStart} ms before the cases settled; early escalations will show it`);
      const memory = process.memoryUsage();
      const workerRss = workerProcess ? rssOf(workerProcess.pid) : null;
      const serverRss = config.temporal.address ? null : rssOfProcessListening(config.temporal.devServerPort);
      progress(
        `Opened ${params.openCases} cases in ${openSeconds.toFixed(1)} s; ${workerProcess ? `worker process RSS ${mib(workerRss)} MiB, ` : ''}this process RSS ${mib(memory.rss)} MiB`,
      );
      const dueIds = Array.from({ length: dueCases }, (_, j) => `${prefix}-${farCases + j}`);
      const waitUntil = windowStart + (window + 60) * 1000;
      const escalations = () =>
        db.prisma.alert.findMany({
          where: { caseId: { in: dueIds }, rule: 'stage', kind: 'escalation' },
          select: { caseId: true, dueAt: true, firedAt: true },
        });
      let rows = await escalations();
      while (Date.now() < waitUntil && rows.length < dueCases) {
        progress(
          `Escalations fired: ${rows.length}/${dueCases} (window ${Math.max(0, Math.round((Date.now() - windowStart) / 1000))}/${window} s)`,
        );
        await new Promise((r) => setTimeout(r, 5000));
        rows = await escalations();
      }
      // Only escalations that fell due after their case was open measure the timers.
      const measured = rows.filter((r) => r.dueAt.getTime() > (openedAt.get(r.caseId) ?? Infinity));
      const lateness = measured.map((r) => r.firedAt.getTime() - r.dueAt.getTime());
      const afterMemory = process.memoryUsage();
      capacity = {
        openCases: params.openCases,
        /** Until every case was open and in the read model. */
        openSeconds: Math.round(openSeconds * 10) / 10,
        opensPerSecond: Math.round((params.openCases / openSeconds) * 10) / 10,
        openLatencyMs: percentiles(openMs),
        windowSeconds: window,
        escalationsDue: dueCases,
        escalationsDuePerSecond: params.duePerSecond,
        escalationsFired: rows.length,
        escalationsMeasured: measured.length,
        timerLatenessMs: percentiles(lateness),
        lateOver1s: lateness.filter((ms) => ms > 1000).length,
        memoryWithOpenCases: {
          workerProcessRssMiB: mib(workerRss),
          workerProcessRssAfterTimersMiB: workerProcess ? mib(rssOf(workerProcess.pid)) : null,
          processRssMiB: mib(memory.rss),
          processHeapUsedMiB: mib(memory.heapUsed),
          processRssAfterTimersMiB: mib(afterMemory.rss),
          devServerRssMiB: mib(serverRss),
        },
      };
    }

    const baselineP50 = percentiles(baselineSequential).p50;
    const concurrentBaselineP50 = percentiles(baselineConcurrent).p50;
    const transitions = percentiles(transitionMs);
    const result = {
      at: new Date(started).toISOString(),
      machine: {
        cores: cpus().length,
        cpu: cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
      },
      stack: {
        workerMaxCachedWorkflows: config.workerMaxCachedWorkflows,
        worker: workerProcess ? 'own process (npm run start:worker)' : 'in this process, with the API, the database and the load',
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
      probe: probeMs,
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

const ratio = (x: number, to: number): number => Math.round((x / to) * 100) / 100;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the result's type is inferred inside main(); the split of this file into phases gives it a name
function markdown(r: Record<string, any>): string {
  const cap = r['capacity'];
  const rows = [
    [
      'transition latency p50 / p95 / p99',
      `${r.reunify.transitionMs.p50} / ${r.reunify.transitionMs.p95} / ${r.reunify.transitionMs.p99} ms`,
      '',
    ],
    ['baseline Update p50 (same concurrency / sequential)', `${r.baseline.concurrentMs.p50} / ${r.baseline.sequentialMs.p50} ms`, ''],
    [
      'ratio to baseline p50 (same concurrency / sequential)',
      `${r.reunify.ratioToBaselineP50} / ${r.reunify.ratioToSequentialBaselineP50}`,
      'goal ≤ 1.3',
    ],
    ['lifecycles per second', `${r.reunify.lifecyclesPerSecond}`, 'goal ≥ 10 on two cores'],
    ['transitions per second', `${r.reunify.transitionsPerSecond}`, ''],
    ['failed requests', `${r.reunify.failedRequests}`, ''],
    [
      'one Update at rest: baseline / case straight to Temporal / case over HTTP (p50)',
      `${r.probe.baselineAtRest.p50} / ${r.probe.directAtRest.p50} / ${r.probe.httpAtRest.p50} ms`,
      `ratio ${ratio(r.probe.directAtRest.p50, r.probe.baselineAtRest.p50)} / ${ratio(r.probe.httpAtRest.p50, r.probe.baselineAtRest.p50)}`,
    ],
    [
      'one Update back to back: baseline / case straight to Temporal / case over HTTP (p50)',
      `${r.baseline.sequentialMs.p50} / ${r.probe.directBackToBack.p50} / ${r.probe.httpBackToBack.p50} ms`,
      `ratio ${ratio(r.probe.directBackToBack.p50, r.baseline.sequentialMs.p50)} / ${ratio(r.probe.httpBackToBack.p50, r.baseline.sequentialMs.p50)}`,
    ],
  ];
  if (!cap.skipped) {
    rows.push(
      ['open cases', `${cap.openCases} (opened at ${cap.opensPerSecond}/s)`, 'goal 10,000'],
      ...(cap.memoryWithOpenCases.workerProcessRssMiB === null
        ? [
            [
              'process RSS with open cases (worker + API + load, one process)',
              `${cap.memoryWithOpenCases.processRssMiB} MiB (${cap.memoryWithOpenCases.processRssAfterTimersMiB} after the timers)`,
              'goal: worker < 1.5 GB',
            ],
          ]
        : [
            [
              'worker process RSS with open cases',
              `${cap.memoryWithOpenCases.workerProcessRssMiB} MiB (${cap.memoryWithOpenCases.workerProcessRssAfterTimersMiB} after the timers)`,
              'goal < 1.5 GB',
            ],
            ['API + load process RSS', `${cap.memoryWithOpenCases.processRssMiB} MiB`, ''],
          ]),
      ['dev server RSS', cap.memoryWithOpenCases.devServerRssMiB === null ? 'n/a' : `${cap.memoryWithOpenCases.devServerRssMiB} MiB`, ''],
      [
        'escalations due in the window / fired / measured',
        `${cap.escalationsDue} (${cap.escalationsDuePerSecond}/s over ${cap.windowSeconds} s) / ${cap.escalationsFired} / ${cap.escalationsMeasured}`,
        '',
      ],
      [
        'escalation lateness p50 / p95 / p99 / max',
        `${cap.timerLatenessMs.p50} / ${cap.timerLatenessMs.p95} / ${cap.timerLatenessMs.p99} / ${cap.timerLatenessMs.max} ms (${cap.lateOver1s} over 1 s)`,
        'goal ≤ 1000 ms',
      ],
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

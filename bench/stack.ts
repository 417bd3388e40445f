import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';

import type { Running } from '../scripts/processes';
import { startProcess, stopProcess } from '../scripts/processes';
import type { Config } from '../src/config/env';
import { parseConfig } from '../src/config/env';
import type { Database } from '../src/db/client';
import { Lifecycle } from '../src/lifecycle';
import { freePort } from '../src/processes';
import { startServers } from '../src/servers';
import type { TemporalConnections } from '../src/temporal/connect';
import { connectTemporal } from '../src/temporal/connect';
import { codecFrom, dataConverterOf } from '../src/temporal/data-converter';
import { createCaseWorker } from '../src/worker/create-worker';
import type { BenchApi } from './api';
import { startApi } from './api';
import { progress } from './progress';
import type { StackInfo } from './report';

export interface StackOptions {
  /** When the run began: it names the run's task queue, workflows and cases. */
  started: number;
  noCodec: boolean;
  oneProcess: boolean;
  /** The read path alone: no case worker, no baseline worker. */
  readOnly?: boolean;
  /** Where the case worker's process writes its CPU profiles (one per thread) when it exits. */
  workerProfileDir?: string;
}

/** The real stack under measurement, and what the phases need of it. */
export interface Stack {
  config: Config;
  started: number;
  /** The load's Temporal client, with the same data converter as the worker. */
  client: Client;
  prisma: Database['prisma'];
  /** The read model's PostgreSQL server. */
  databaseUrl: string;
  /** The dev server's Prometheus metrics; undefined on an external server (TEMPORAL_ADDRESS). */
  serverMetricsUrl: string | undefined;
  baselineTaskQueue: string;
  /** The case worker's own process; undefined when it runs in this one. */
  workerProcess: Running | undefined;
  api: BenchApi;
  info: StackInfo;
  /** Tears down what was brought up, last first. */
  stop(): Promise<void>;
}

/**
 * Brings up the dev server (or TEMPORAL_ADDRESS), the embedded PostgreSQL server (or DATABASE_URL),
 * the case worker (in its own process, as `npm run start:worker` runs it, unless `oneProcess`), a
 * worker for the baseline workflow, and the API; on a failure halfway, stops what had started.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  // As before the split: a teardown step that fails must not hide the result, nor the error that ended the run.
  const life = new Lifecycle(() => undefined);
  try {
    // A data folder of its own (a whole PostgreSQL cluster) unless the environment names one; removed at the end.
    const dataDir =
      process.env['REUNIFY_DATA_DIR'] ??
      (await life.step(
        async () => mkdtempSync(join(tmpdir(), 'reunify-bench-')),
        async (dir) => rmSync(dir, { recursive: true, force: true }),
      ));
    const config = await benchConfig(dataDir);
    return await bringUp(config, options, life);
  } catch (err) {
    await life.stop();
    throw err;
  }
}

/** The configuration, on free ports unless the environment names them. */
async function benchConfig(dataDir: string): Promise<Config> {
  return parseConfig({
    ...process.env,
    REUNIFY_DATA_DIR: dataDir,
    TEMPORAL_PORT: process.env['TEMPORAL_PORT'] ?? String(await freePort()),
    TEMPORAL_UI_PORT: process.env['TEMPORAL_UI_PORT'] ?? String(await freePort()),
    // The server's request counts per transition and per raw Update (bench/server-requests.ts).
    TEMPORAL_METRICS_PORT: process.env['TEMPORAL_METRICS_PORT'] ?? String(await freePort()),
    REUNIFY_POSTGRES_PORT: process.env['REUNIFY_POSTGRES_PORT'] ?? String(await freePort()),
  });
}

async function bringUp(config: Config, options: StackOptions, life: Lifecycle): Promise<Stack> {
  progress(
    `Starting the stack (${config.temporal.address ? `Temporal at ${config.temporal.address}` : 'dev server'}, ${config.database.kind === 'embedded' ? 'embedded PostgreSQL' : 'PostgreSQL server'})...`,
  );
  const { temporal, database, db } = await startServers(config, life, progress);
  const codec = codecFrom(config);
  const dataConverter = options.noCodec ? undefined : dataConverterOf(codec);
  const connections = await life.step(
    () => connectTemporal({ address: temporal.address, namespace: temporal.namespace, dataConverter }),
    (c) => c.close(),
  );
  const taskQueue = `bench-cases-${options.started.toString(36)}`;
  const baselineTaskQueue = `${taskQueue}-baseline`;
  const setup: WorkerSetup = { config, namespace: temporal.namespace, taskQueue, baselineTaskQueue, dataConverter, db, connections };
  // With --no-codec a separate worker (which always seals payloads) would not match the clients.
  const separate = !options.readOnly && !options.oneProcess && !options.noCodec;
  const workerProcess = separate ? await spawnWorker(setup, temporal.address, life, options.workerProfileDir) : undefined;
  if (!options.readOnly) await runWorkersHere(setup, workerProcess === undefined, life);
  const { api } = await life.step(
    () => startApi({ config, codec, temporal: connections.client, prisma: db.prisma, taskQueue }),
    ({ app }) => app.close(),
  );
  progress(`Stack up in ${((Date.now() - options.started) / 1000).toFixed(1)} s; API at ${api.base}`);
  return {
    config,
    started: options.started,
    client: connections.client,
    prisma: db.prisma,
    databaseUrl: database.url,
    serverMetricsUrl: temporal.metricsUrl,
    baselineTaskQueue,
    workerProcess,
    api,
    info: stackInfo(config, options, workerProcess !== undefined),
    stop: () => life.stop(),
  };
}

interface WorkerSetup {
  config: Config;
  namespace: string;
  taskQueue: string;
  baselineTaskQueue: string;
  dataConverter: DataConverter | undefined;
  db: Database;
  connections: TemporalConnections;
}

/** `npm run start:worker` in its own process, as deployed; resolves once it polls. */
function spawnWorker(
  { config, namespace, taskQueue }: WorkerSetup,
  address: string,
  life: Lifecycle,
  profileDir: string | undefined,
): Promise<Running> {
  progress('Starting the case worker in its own process...');
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    // It finds the embedded server through the data folder (or uses DATABASE_URL, inherited).
    REUNIFY_DATA_DIR: config.dataDir,
    // Its "running" line is logged at info.
    LOG_LEVEL: 'info',
    // The heap limit `npm run start:worker` sets (package.json): V8 collects before the cache's garbage piles up.
    NODE_OPTIONS: [process.env['NODE_OPTIONS'], '--max-old-space-size=1024'].filter(Boolean).join(' '),
  };
  return life.step(
    () => startProcess('worker', env, 'Case worker running', 60_000, profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
    (worker) => stopProcess(worker, 'SIGTERM'),
  );
}

/** The baseline workflow's worker, and the case worker too when it has no process of its own. */
async function runWorkersHere(setup: WorkerSetup, caseWorkerHere: boolean, life: Lifecycle): Promise<void> {
  const { config, namespace, taskQueue, baselineTaskQueue, dataConverter, db, connections } = setup;
  await life.step(
    async () => {
      const caseWorker = caseWorkerHere
        ? await createCaseWorker({
            connection: connections.native,
            namespace,
            taskQueue,
            dataConverter,
            maxCachedWorkflows: config.workerMaxCachedWorkflows,
            deps: { prisma: db.prisma, temporal: connections.client },
          })
        : undefined;
      const baselineWorker = await Worker.create({
        connection: connections.native,
        namespace,
        taskQueue: baselineTaskQueue,
        workflowsPath: require.resolve('./baseline-workflow'),
        dataConverter,
      });
      return { workers: [caseWorker, baselineWorker], runs: [caseWorker?.run(), baselineWorker.run()] };
    },
    async ({ workers, runs }) => {
      for (const worker of workers) worker?.shutdown();
      await Promise.allSettled(runs);
    },
  );
}

function stackInfo(config: Config, options: StackOptions, workerProcess: boolean): StackInfo {
  const here = options.readOnly ? 'none (--read-only)' : 'in this process, with the API, the database and the load';
  return {
    workerMaxCachedWorkflows: config.workerMaxCachedWorkflows,
    worker: workerProcess ? 'own process (npm run start:worker)' : here,
    temporal: config.temporal.address ?? 'dev server (SQLite WAL)',
    database: config.database.kind,
    codec: options.noCodec ? 'none (--no-codec)' : 'AES-256-GCM',
  };
}

/**
 * `npm start`: everything in one process tree. The Temporal dev server (unless TEMPORAL_ADDRESS
 * is set), the database (an embedded PostgreSQL server in the data folder unless DATABASE_URL is
 * set, migrated with `prisma migrate deploy`), the worker and the HTTP API. Ctrl-C, even halfway
 * through start-up, stops everything cleanly: the API and the worker first, then the database and
 * the dev server.
 */
import type { Logger } from 'pino';

import { appOptionsFrom, buildApp } from './api/app';
import type { Config } from './config/env';
import { loadConfig } from './config/env';
import type { DatabaseServer } from './db/locate';
import { prepareWebApp } from './frontend/build';
import { Lifecycle, StopRequested } from './lifecycle';
import { createLogger } from './logging';
import { createMetrics, registerReadModelGauges } from './metrics/metrics';
import { sdkMetricsAddress } from './metrics/sdk';
import { startServers } from './servers';
import { StartupError } from './startup-error';
import { connectTemporal } from './temporal/connect';
import { codecFrom, dataConverterOf } from './temporal/data-converter';
import type { TemporalEndpoint } from './temporal/server';
import { createCaseWorker } from './worker/create-worker';

async function main(): Promise<void> {
  const startedAt = performance.now();
  const config = loadConfig();
  const sdkMetrics = await sdkMetricsAddress();
  const logger = createLogger(config, 'reunify', sdkMetrics.bindAddress);
  const progress = (message: string): void => logger.info(message);
  const life = new Lifecycle((err) => logger.error({ err }, 'shutdown step failed'));
  stopOnSignals(life, logger);
  // Built beside the rest of start-up; usually there is nothing to do (`npm install` built it).
  const webApp = prepareWebApp(logger);
  try {
    const { temporal, database, db } = await startServers(config, life, progress);
    const codec = codecFrom(config);
    const dataConverter = dataConverterOf(codec);
    // One registry for the worker and the API in this process: GET /metrics serves both.
    const metrics = createMetrics();
    registerReadModelGauges(metrics, db.prisma);
    const connections = await life.step(
      () => connectTemporal({ address: temporal.address, namespace: temporal.namespace, dataConverter }),
      (c) => c.close(),
    );
    progress('Bundling the case workflow and starting the worker...');
    const { run: workerRun } = await life.step(
      async () => {
        const worker = await createCaseWorker({
          dataConverter,
          maxCachedWorkflows: config.workerMaxCachedWorkflows,
          connection: connections.native,
          namespace: temporal.namespace,
          taskQueue: config.temporal.taskQueue,
          deps: { prisma: db.prisma, webhook: config.alerts.webhook, temporal: connections.client, metrics },
        });
        return { worker, run: worker.run() };
      },
      async ({ worker, run }) => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await run.catch(() => undefined);
      },
    );
    // A worker that dies on its own takes the whole service down: better than an API that accepts
    // events no worker will run.
    workerRun.catch((err) => {
      if (life.isStopping) return;
      logger.fatal({ err }, 'The worker stopped unexpectedly');
      void life.stop().then(() => process.exit(1));
    });
    await webApp;
    await life.step(
      async () => {
        const built = await buildApp({
          temporal: connections.client,
          prisma: db.prisma,
          logger,
          ...appOptionsFrom(config, codec),
          metrics,
          sdkMetricsUrl: sdkMetrics.url,
        });
        await built.listen({ host: config.api.host, port: config.api.port });
        return built;
      },
      (a) => a.close(),
    );
    printBanner(config, temporal, database, Math.round(performance.now() - startedAt), logger);
  } catch (err) {
    await life.stop();
    if (!(err instanceof StopRequested)) throw err;
  }
}

/** Installed before anything starts, so that a signal during start-up also stops what is up. */
function stopOnSignals(life: Lifecycle, logger: Logger): void {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, 'Second signal: exiting without finishing the shutdown');
      process.exit(130);
    }
    logger.info({ signal }, 'Stopping Reunify...');
    void life.stop().then(() => {
      logger.info('Stopped.');
      process.exit(0);
    });
  };
  // SIGHUP: the terminal closed. Stop as for Ctrl-C rather than die and leave the servers running.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
}

function printBanner(config: Config, temporal: TemporalEndpoint, database: DatabaseServer, readyMs: number, logger: Logger): void {
  const api = `http://${config.api.host}:${config.api.port}`;
  logger.info({ readyMs, api, temporal: temporal.address }, 'Reunify is ready');
  process.stdout.write(
    [
      '',
      `Reunify is ready (${(readyMs / 1000).toFixed(1)} s).`,
      `  App:          ${api}/`,
      `  API:          ${api}`,
      `  API docs:     ${api}/docs`,
      `  Temporal UI:  ${temporal.uiUrl ?? `(external server at ${temporal.address}; use its own UI)`}`,
      `  Temporal:     ${temporal.address} (namespace ${temporal.namespace}${temporal.dbFile ? `, data ${temporal.dbFile}` : ''}${temporal.metricsUrl ? `, metrics ${temporal.metricsUrl}` : ''})`,
      `  Database:     ${database.description}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((err) => {
  if (err instanceof StartupError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`Reunify could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

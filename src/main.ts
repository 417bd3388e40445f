/**
 * `npm start`: everything in one process tree. The Temporal dev server (unless TEMPORAL_ADDRESS
 * is set), the database (PGlite in the data folder unless DATABASE_URL is set, migrated with
 * `prisma migrate deploy`), the worker and the HTTP API. Ctrl-C stops everything cleanly.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

import { codecFrom, dataConverterOf } from './temporal/data-converter';
import { appOptionsFrom, buildApp } from './api/app';
import { ConfigError, loadConfig } from './config/env';
import { prepareDatabase } from './db/client';
import { createLogger } from './logging';
import { startTemporal } from './temporal/server';
import { createCaseWorker } from './worker/create-worker';

async function main(): Promise<void> {
  const startedAt = performance.now();
  const config = loadConfig();
  const logger = createLogger(config);
  const progress = (message: string): void => logger.info(message);

  // Steps to undo, in the order they were done; stopping undoes them last first, once.
  const cleanups: (() => Promise<unknown>)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      for (const cleanup of [...cleanups].reverse()) {
        await cleanup().catch((err) => logger.error({ err }, 'shutdown step failed'));
      }
    })());
  // Installed before anything starts, so that a signal during start-up also stops what is up.
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, 'Second signal: exiting without finishing the shutdown');
      process.exit(130);
    }
    logger.info({ signal }, 'Stopping Reunify...');
    void stop().then(() => {
      logger.info('Stopped.');
      process.exit(0);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const temporal = await startTemporal(config, progress);
    cleanups.push(() => temporal.shutdown());
    if (stopping) return;

    progress(
      config.database.kind === 'pglite'
        ? `Applying database migrations to PGlite in ${config.database.dataDir}...`
        : 'Applying database migrations to the PostgreSQL server in DATABASE_URL...',
    );
    const db = await prepareDatabase(process.env, config.database, (message) => logger.warn(message));
    cleanups.push(() => db.close());

    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    cleanups.push(() => nativeConnection.close());
    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const codec = codecFrom(config);
    const dataConverter = dataConverterOf(codec);
    const client = new Client({ connection, namespace: temporal.namespace, dataConverter });
    if (stopping) return;

    progress('Bundling the case workflow and starting the worker...');
    const worker = await createCaseWorker({
      dataConverter,
      maxCachedWorkflows: config.workerMaxCachedWorkflows,
      connection: nativeConnection,
      namespace: temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      deps: { prisma: db.prisma, webhook: config.alerts.webhook, temporal: client },
    });
    const workerRun = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun.catch(() => undefined);
    });
    // A worker that dies on its own takes the whole service down: better than an API that accepts
    // events no worker will run.
    workerRun.catch((err) => {
      if (stopping) return;
      logger.fatal({ err }, 'The worker stopped unexpectedly');
      void stop().then(() => process.exit(1));
    });

    const app = await buildApp({ temporal: client, prisma: db.prisma, logger, ...appOptionsFrom(config, codec) });
    await app.listen({ host: config.api.host, port: config.api.port });
    cleanups.push(() => app.close());
    if (stopping) return;

    const api = `http://${config.api.host}:${config.api.port}`;
    const readyMs = Math.round(performance.now() - startedAt);
    logger.info({ readyMs, api, temporal: temporal.address }, 'Reunify is ready');
    process.stdout.write(
      [
        '',
        `Reunify is ready (${(readyMs / 1000).toFixed(1)} s).`,
        `  API:          ${api}`,
        `  API docs:     ${api}/docs`,
        `  Temporal UI:  ${temporal.uiUrl ?? `(external server at ${temporal.address}; use its own UI)`}`,
        `  Temporal:     ${temporal.address} (namespace ${temporal.namespace}${temporal.dbFile ? `, data ${temporal.dbFile}` : ''})`,
        `  Database:     ${config.database.kind === 'pglite' ? `PGlite in ${config.database.dataDir}` : 'PostgreSQL server (DATABASE_URL)'}`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  } catch (err) {
    await stop();
    throw err;
  }
}

main().catch((err) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`Reunify could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

/**
 * `npm run start:worker`: a case worker alone, for deployments with several processes. Connects to
 * TEMPORAL_ADDRESS (default: a dev server on this machine) and the database in DATABASE_URL.
 * Migrations are not applied here: run `npm run db:migrate` once per release.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

import { codecFrom, dataConverterOf } from '../temporal/data-converter';
import { ConfigError, loadConfig } from '../config/env';
import { assertMigrated, openDatabase } from '../db/client';
import { createLogger } from '../logging';
import { createCaseWorker } from './create-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.database.kind === 'pglite') {
    // One process owns a PGlite folder at a time; a second one would corrupt it.
    throw new ConfigError(
      'A separate worker needs DATABASE_URL (a PostgreSQL server): PGlite serves one process only. For the embedded default, run `npm start`.',
    );
  }
  const logger = createLogger(config, 'reunify-worker');
  const address = config.temporal.address ?? `127.0.0.1:${config.temporal.devServerPort}`;
  const db = openDatabase(config.database);
  await assertMigrated(db.prisma);
  const connection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  const dataConverter = dataConverterOf(codecFrom(config));
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter });
  try {
    const worker = await createCaseWorker({
      dataConverter,
      maxCachedWorkflows: config.workerMaxCachedWorkflows,
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      deps: { prisma: db.prisma, webhook: config.alerts.webhook, temporal: client },
    });
    const stop = (): void => worker.shutdown();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    logger.info({ address, taskQueue: config.temporal.taskQueue }, 'Case worker running');
    await worker.run();
    logger.info('Case worker stopped');
  } finally {
    await clientConnection.close();
    await connection.close();
    await db.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `The worker failed: ${(err as Error).message}`}\n`);
  process.exit(1);
});

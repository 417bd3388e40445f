/**
 * `npm run start:worker`: a case worker alone, for deployments with several processes. Connects to
 * TEMPORAL_ADDRESS (default: a dev server on this machine) and the database in DATABASE_URL
 * (default: the embedded server that `npm start` or `npm run start:db` keeps running on the data folder).
 * Migrations are not applied here: run `npm run db:migrate` once per release.
 */
import type { AddressInfo } from 'node:net';
import { getHeapStatistics } from 'node:v8';

import { loadConfig } from '../config/env';
import { openDatabase } from '../db/client';
import { databaseUrlOf } from '../db/locate';
import { assertMigrated } from '../db/migrations';
import { createLogger } from '../logging';
import { createMetrics } from '../metrics/metrics';
import { sdkMetricsAddress } from '../metrics/sdk';
import { StartupError } from '../startup-error';
import { connectTemporal } from '../temporal/connect';
import { codecFrom, dataConverterOf } from '../temporal/data-converter';
import { createCaseWorker } from './create-worker';
import { cacheOverHeap } from './memory-budget';
import { startWorkerMetricsServer } from './metrics-server';

async function main(): Promise<void> {
  const config = loadConfig();
  const sdkMetrics = await sdkMetricsAddress();
  const logger = createLogger(config, 'reunify-worker', sdkMetrics.bindAddress);
  const address = config.temporal.address ?? `127.0.0.1:${config.temporal.devServerPort}`;
  const db = openDatabase(databaseUrlOf(config.database));
  await assertMigrated(db.prisma);
  const dataConverter = dataConverterOf(codecFrom(config));
  const temporal = await connectTemporal({ address, namespace: config.temporal.namespace, dataConverter });
  const metrics = createMetrics();
  const metricsServer = await startWorkerMetricsServer(metrics, config.api.host, config.workerMetricsPort, sdkMetrics.url);
  try {
    const worker = await createCaseWorker({
      dataConverter,
      maxCachedWorkflows: config.workerMaxCachedWorkflows,
      connection: temporal.native,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      deps: { prisma: db.prisma, webhook: config.alerts.webhook, temporal: temporal.client, metrics },
    });
    const stop = (): void => worker.shutdown();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const overHeap = cacheOverHeap(config.workerMaxCachedWorkflows, getHeapStatistics().heap_size_limit / 2 ** 20);
    if (overHeap) logger.warn(overHeap);
    logger.info(
      {
        address,
        taskQueue: config.temporal.taskQueue,
        metrics: `http://${config.api.host}:${(metricsServer.address() as AddressInfo).port}/metrics`,
      },
      'Case worker running',
    );
    await worker.run();
    logger.info('Case worker stopped');
  } finally {
    metricsServer.close();
    await temporal.close();
    await db.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof StartupError ? err.message : `The worker failed: ${(err as Error).message}`}\n`);
  process.exit(1);
});

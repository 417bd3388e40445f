/**
 * `npm run start:api`: the HTTP API alone, for deployments with several processes. Connects to
 * TEMPORAL_ADDRESS (default: a dev server on this machine) and the database in DATABASE_URL
 * (default: the embedded server that `npm start` or `npm run start:db` keeps running on the data folder).
 */
import { loadConfig } from '../config/env';
import { openDatabase } from '../db/client';
import { databaseUrlOf } from '../db/locate';
import { assertMigrated } from '../db/migrations';
import { prepareWebApp } from '../frontend/build';
import { createLogger } from '../logging';
import { StartupError } from '../startup-error';
import { connectTemporal } from '../temporal/connect';
import { codecFrom, dataConverterOf } from '../temporal/data-converter';
import { appOptionsFrom, buildApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config, 'reunify-api');
  const address = config.temporal.address ?? `127.0.0.1:${config.temporal.devServerPort}`;
  const webApp = prepareWebApp(logger);
  const db = openDatabase(databaseUrlOf(config.database));
  await assertMigrated(db.prisma);
  const codec = codecFrom(config);
  const temporal = await connectTemporal({
    address,
    namespace: config.temporal.namespace,
    dataConverter: dataConverterOf(codec),
    worker: false,
  });
  await webApp;
  const app = await buildApp({ temporal: temporal.client, prisma: db.prisma, logger, ...appOptionsFrom(config, codec) });
  await app.listen({ host: config.api.host, port: config.api.port });
  const stop = async (): Promise<void> => {
    await app.close();
    await temporal.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err) => {
  process.stderr.write(`${err instanceof StartupError ? err.message : `The API failed: ${(err as Error).message}`}\n`);
  process.exit(1);
});

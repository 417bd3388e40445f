/**
 * `npm run start:api`: the HTTP API alone, for deployments with several processes. Connects to
 * TEMPORAL_ADDRESS (default: a dev server on this machine) and the database in DATABASE_URL.
 */
import { Client, Connection } from '@temporalio/client';

import { codecFrom, dataConverterOf } from '../temporal/data-converter';
import { ConfigError, loadConfig } from '../config/env';
import { assertMigrated, openDatabase } from '../db/client';
import { createLogger } from '../logging';
import { appOptionsFrom, buildApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.database.kind === 'pglite') {
    // One process owns a PGlite folder at a time; a second one would corrupt it.
    throw new ConfigError(
      'A separate API needs DATABASE_URL (a PostgreSQL server): PGlite serves one process only. For the embedded default, run `npm start`.',
    );
  }
  const logger = createLogger(config, 'reunify-api');
  const address = config.temporal.address ?? `127.0.0.1:${config.temporal.devServerPort}`;
  const db = openDatabase(config.database);
  await assertMigrated(db.prisma);
  const connection = await Connection.connect({ address });
  const codec = codecFrom(config);
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverterOf(codec) });
  const app = await buildApp({ temporal: client, prisma: db.prisma, logger, ...appOptionsFrom(config, codec) });
  await app.listen({ host: config.api.host, port: config.api.port });
  const stop = async (): Promise<void> => {
    await app.close();
    await connection.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `The API failed: ${(err as Error).message}`}\n`);
  process.exit(1);
});

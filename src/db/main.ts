/**
 * `npm run start:db`: the embedded PostgreSQL server alone, migrated, kept running until Ctrl-C, so
 * that separate `npm run start:worker` and `npm run start:api` processes (as many as you like) can
 * use it on one machine. They find it through the data folder.
 */
import { ConfigError, loadConfig } from '../config/env';
import { prepareDatabase } from './client';
import { EmbeddedPostgresError } from './embedded-postgres';
import { startDatabaseServer } from './locate';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.database.kind === 'server') {
    throw new ConfigError(
      'DATABASE_URL is set, so there is no embedded server to run: Reunify uses that server. Unset DATABASE_URL to run the embedded one.',
    );
  }
  const progress = (message: string): void => void process.stderr.write(`${message}\n`);
  const server = await startDatabaseServer(config.database, progress);
  // The server runs detached; without something pending this process would end at once, leaving
  // it running with no one to stop it at Ctrl-C.
  const keepRunning = setInterval(() => undefined, 60_000);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(keepRunning);
    progress('Stopping the embedded PostgreSQL server...');
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    progress('Applying database migrations...');
    const db = await prepareDatabase(server.url);
    await db.close();
  } catch (err) {
    clearInterval(keepRunning);
    await server.stop();
    throw err;
  }
  process.stdout.write(
    [
      '',
      `The database is ready: ${server.description}.`,
      `  Its password is in ${config.dataDir}/postgres-password; \`npm run start:worker\` and \`npm run start:api\` find it there.`,
      'Press Ctrl-C to stop it.',
      '',
    ].join('\n'),
  );
}

main().catch((err) => {
  const known = err instanceof ConfigError || err instanceof EmbeddedPostgresError;
  process.stderr.write(`${known ? err.message : `The database did not start: ${(err as Error).message}`}\n`);
  process.exit(1);
});

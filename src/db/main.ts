/**
 * `npm run start:db`: the embedded PostgreSQL server alone, migrated, kept running until Ctrl-C, so
 * that separate `npm run start:worker` and `npm run start:api` processes (as many as you like) can
 * use it on one machine. They find it through the data folder.
 */
import { ConfigError, loadConfig } from '../config/env';
import { Lifecycle, StopRequested } from '../lifecycle';
import { StartupError } from '../startup-error';
import { startDatabaseServer } from './locate';
import { prepareDatabase } from './migrations';

const say = (message: string): void => void process.stderr.write(`${message}\n`);

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.database.kind === 'server') {
    throw new ConfigError(
      'DATABASE_URL is set, so there is no embedded server to run: Reunify uses that server. Unset DATABASE_URL to run the embedded one.',
    );
  }
  const { database } = config;
  // Installed first: a Ctrl-C while the server starts or migrates still stops it.
  const life = new Lifecycle((err) => say(`Stopping failed: ${(err as Error).message}`));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      say('Stopping the embedded PostgreSQL server...');
      void life.stop().then(() => process.exit(0));
    });
  }
  try {
    const server = await life.step(
      () => startDatabaseServer(database, say),
      (s) => s.stop(),
    );
    say('Applying database migrations...');
    await life.step(
      () => prepareDatabase(server.url),
      (db) => db.close(),
    );
    process.stdout.write(
      [
        '',
        `The database is ready: ${server.description}.`,
        `  Its password is in ${config.dataDir}/postgres-password; \`npm run start:worker\` and \`npm run start:api\` find it there.`,
        'Press Ctrl-C to stop it.',
        '',
      ].join('\n'),
    );
    // The server runs detached: without something pending this process would end here, leaving it
    // running with no one to stop it at Ctrl-C. The signal handlers exit.
    setInterval(() => undefined, 60_000);
  } catch (err) {
    await life.stop();
    if (!(err instanceof StopRequested)) throw err;
  }
}

main().catch((err) => {
  say(err instanceof StartupError ? err.message : `The database did not start: ${(err as Error).message}`);
  process.exit(1);
});

import type { Config } from './config/env';
import type { Database } from './db/client';
import type { DatabaseServer } from './db/locate';
import { startDatabaseServer } from './db/locate';
import { prepareDatabase } from './db/migrations';
import type { Lifecycle } from './lifecycle';
import type { TemporalEndpoint } from './temporal/server';
import { startTemporal } from './temporal/server';

export interface Servers {
  temporal: TemporalEndpoint;
  database: DatabaseServer;
  /** The database, migrated and open. */
  db: Database;
}

/**
 * The servers a whole Reunify runs on, each a step of `life`: the Temporal dev server (or
 * TEMPORAL_ADDRESS), then the database (the embedded PostgreSQL server or DATABASE_URL), migrated.
 * For the processes that bring the whole stack up: `npm start` and the benchmark.
 */
export async function startServers(config: Config, life: Lifecycle, progress: (message: string) => void): Promise<Servers> {
  const temporal = await life.step(
    () => startTemporal(config, progress),
    (t) => t.shutdown(),
  );
  const database = await life.step(
    () => startDatabaseServer(config.database, progress),
    (d) => d.stop(),
  );
  progress(`Applying database migrations (${database.description})...`);
  const db = await life.step(
    () => prepareDatabase(database.url),
    (d) => d.close(),
  );
  return { temporal, database, db };
}

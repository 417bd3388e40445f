import { join } from 'node:path';

import type { Config } from '../config/env';
import { findEmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';

/** Where the database is: brought up by this process, or found where another keeps it running. */
export interface DatabaseServer {
  url: string;
  /** For a person: where the database is (never the password). */
  description: string;
  /** Stops the embedded server when this process owns it; nothing for an external server. */
  stop(): Promise<void>;
}

/**
 * For the processes that bring the embedded default up (`npm start`, `npm run start:db`, the
 * benchmark): starts the embedded PostgreSQL server, or names the external one in DATABASE_URL.
 */
export async function startDatabaseServer(
  database: Config['database'],
  onProgress: (message: string) => void,
  options: { throwaway?: boolean } = {},
): Promise<DatabaseServer> {
  if (database.kind === 'server') {
    return { url: database.url, description: 'PostgreSQL server (DATABASE_URL)', stop: async () => {} };
  }
  const server = await startEmbeddedPostgres(database, { onProgress, ...options });
  return {
    url: server.url,
    description: `embedded PostgreSQL on 127.0.0.1:${server.port}, data in ${join(database.dataDir, 'postgres')}`,
    stop: () => server.stop(),
  };
}

/**
 * For the processes that only use the database (a separate worker or API, the Prisma CLI): the
 * server in DATABASE_URL, or the embedded one that `npm start` or `npm run start:db` keeps running.
 */
export function databaseUrlOf(database: Config['database']): string {
  return database.kind === 'server' ? database.url : findEmbeddedPostgres(database.dataDir).url;
}

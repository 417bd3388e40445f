import { join } from 'node:path';

export const DATABASE_NAME = 'reunify';
export const SUPERUSER = 'postgres';

/** Where the embedded server keeps what it needs, all inside Reunify's data folder. */
export function embeddedPaths(dataDir: string) {
  return {
    cluster: join(dataDir, 'postgres'),
    password: join(dataDir, 'postgres-password'),
    log: join(dataDir, 'postgres.log'),
    /** Held while one process initialises or starts the server (its pid inside). */
    startLock: join(dataDir, 'postgres.start.lock'),
    /** The pid of the process that stops the server when it stops (`npm start` or `npm run start:db`). */
    owner: join(dataDir, 'postgres.owner'),
    legacyPglite: join(dataDir, 'pglite'),
  };
}

export type EmbeddedPaths = ReturnType<typeof embeddedPaths>;

/**
 * The URL of a database on the embedded server. SSL is off explicitly: the server listens on
 * 127.0.0.1 without it, and a PGSSLMODE=require in the user's shell would otherwise be obeyed.
 */
export function urlOf(port: number, password: string, database = DATABASE_NAME): string {
  return `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}?sslmode=disable`;
}

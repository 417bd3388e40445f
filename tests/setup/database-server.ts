import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { migrateDatabase } from '../../src/db/migrations';
import { freePort } from '../../src/processes';

/**
 * Jest global setup: one PostgreSQL server for the whole run (an embedded one in a temporary folder,
 * or the server in DATABASE_URL), and one database migrated once with `prisma migrate deploy` that
 * every test file copies as its own (`CREATE DATABASE ... TEMPLATE`, see tests/helpers/test-db.ts).
 * Jest runs a global setup module once however many projects name it.
 */

const TEARDOWN = Symbol.for('reunify.test-database-server.teardown');
type WithTeardown = typeof globalThis & { [TEARDOWN]?: () => Promise<void> };

export const SERVER_URL_VARIABLE = 'REUNIFY_TEST_SERVER_URL';
export const TEMPLATE_VARIABLE = 'REUNIFY_TEST_TEMPLATE_DATABASE';

export function withDatabase(url: string, database: string): string {
  const next = new URL(url);
  next.pathname = `/${database}`;
  return next.toString();
}

async function onServer(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The run's server: DATABASE_URL's, or an embedded one in a temporary folder (its own stop). */
async function serverForRun(): Promise<{ url: string; stop(): Promise<void> }> {
  const external = process.env['DATABASE_URL'];
  if (external) return { url: external, stop: async () => {} };
  const dataDir = mkdtempSync(join(tmpdir(), 'reunify-jest-db-'));
  // As root, the server runs as the postgres user, who must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), portChosen: true }, { throwaway: true });
  return {
    url: server.url,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export default async function setUpDatabaseServer(): Promise<void> {
  const server = await serverForRun();
  const template = `reunify_template_${process.pid}_${Date.now().toString(36)}`;
  const teardown = async (): Promise<void> => {
    await onServer(server.url, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => undefined);
    await server.stop();
  };
  try {
    await onServer(server.url, `CREATE DATABASE ${template}`);
    await migrateDatabase(withDatabase(server.url, template));
  } catch (err) {
    await teardown();
    throw err;
  }
  process.env[SERVER_URL_VARIABLE] = server.url;
  process.env[TEMPLATE_VARIABLE] = template;
  (globalThis as WithTeardown)[TEARDOWN] = teardown;
}

export async function tearDownDatabaseServer(): Promise<void> {
  const state = globalThis as WithTeardown;
  const teardown = state[TEARDOWN];
  delete state[TEARDOWN];
  await teardown?.();
}

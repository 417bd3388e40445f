import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import { migrateDatabase } from '../../src/db/client';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';

/**
 * Jest global setup: one PostgreSQL server for the whole run (an embedded one in a temporary folder,
 * or the server in DATABASE_URL), and one database migrated once with `prisma migrate deploy` that
 * every test file copies as its own (`CREATE DATABASE ... TEMPLATE`, see tests/helpers/test-db.ts).
 * Several projects name this file; the first one brings the server up, the rest find it.
 */

interface RunState {
  stop(): Promise<void>;
}
const STATE = Symbol.for('reunify.test-database-server');
type WithState = typeof globalThis & { [STATE]?: RunState };

export const SERVER_URL_VARIABLE = 'REUNIFY_TEST_SERVER_URL';
export const TEMPLATE_VARIABLE = 'REUNIFY_TEST_TEMPLATE_DATABASE';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

export function withDatabase(url: string, database: string): string {
  const next = new URL(url);
  next.pathname = `/${database}`;
  return next.toString();
}

async function admin<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export default async function setUpDatabaseServer(): Promise<void> {
  const state = globalThis as WithState;
  if (state[STATE]) return;
  let serverUrl = process.env['DATABASE_URL'];
  let stopServer = async (): Promise<void> => {};
  if (!serverUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'reunify-jest-db-'));
    // As root, the server runs as the postgres user, who must be able to enter the folder.
    chmodSync(dataDir, 0o755);
    const server = await startEmbeddedPostgres({ dataDir, port: await freePort() }, { throwaway: true });
    serverUrl = server.url;
    stopServer = async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  }
  const template = `reunify_template_${process.pid}_${Date.now().toString(36)}`;
  const adminUrl = serverUrl;
  await admin(adminUrl, (client) => client.query(`CREATE DATABASE ${template}`));
  await migrateDatabase(withDatabase(adminUrl, template));
  process.env[SERVER_URL_VARIABLE] = adminUrl;
  process.env[TEMPLATE_VARIABLE] = template;
  state[STATE] = {
    async stop() {
      await admin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`)).catch(() => undefined);
      await stopServer();
    },
  };
}

export async function tearDownDatabaseServer(): Promise<void> {
  const state = globalThis as WithState;
  const run = state[STATE];
  delete state[STATE];
  await run?.stop();
}

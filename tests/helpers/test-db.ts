import pg from 'pg';

import type { Database } from '../../src/db/client';
import { openDatabase } from '../../src/db/client';
import { SERVER_URL_VARIABLE, TEMPLATE_VARIABLE, withDatabase } from '../setup/database-server';

export interface TestDatabase extends Database {
  url: string;
  /** Closes and drops the database. */
  destroy(): Promise<void>;
}

let counter = 0;

/**
 * A fresh, migrated database for one test file, on the run's PostgreSQL server (the embedded one
 * the jest global setup started, or the server in DATABASE_URL): a copy of the database that setup
 * migrated with `prisma migrate deploy`, dropped afterwards.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env[SERVER_URL_VARIABLE];
  const template = process.env[TEMPLATE_VARIABLE];
  if (!serverUrl || !template) {
    throw new Error('No test database server: this project needs globalSetup tests/setup/database-server.ts in jest.config.ts.');
  }
  counter += 1;
  const name = `reunify_test_${process.pid}_${Date.now().toString(36)}_${counter}`;
  await onServer(serverUrl, `CREATE DATABASE ${name} TEMPLATE ${template}`);
  const url = withDatabase(serverUrl, name);
  const db = openDatabase(url);
  return {
    ...db,
    url,
    async destroy() {
      await db.close();
      await onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** An empty database (never migrated) on the run's server, for tests of what a missing migration does. */
export async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env[SERVER_URL_VARIABLE]!;
  counter += 1;
  const name = `reunify_empty_${process.pid}_${Date.now().toString(36)}_${counter}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  return { url: withDatabase(serverUrl, name), drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Registers a fresh database for the test file (beforeAll/afterAll); filled in once it is up. */
export function useTestDatabase(): { readonly db: TestDatabase } {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.destroy();
  });
  return {
    get db() {
      if (!db) throw new Error('The test database is not up yet: use it inside tests');
      return db;
    },
  };
}

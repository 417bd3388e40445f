import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import type { DatabaseTarget } from '../../src/db/adapter';
import type { Database } from '../../src/db/client';
import { prepareDatabase } from '../../src/db/client';

export interface TestDatabase extends Database {
  target: DatabaseTarget;
  /** Closes and deletes the database. */
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: PGlite in a temporary folder by default, or a new
 * database on the PostgreSQL server that DATABASE_URL names (dropped afterwards). Migrated by the
 * same `prisma migrate deploy` that `npm start` runs.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env['DATABASE_URL'];
  if (!serverUrl) {
    const dataRoot = mkdtempSync(join(tmpdir(), 'reunify-test-'));
    const env = { ...process.env, REUNIFY_DATA_DIR: dataRoot };
    const target: DatabaseTarget = { kind: 'pglite', dataDir: join(dataRoot, 'pglite') };
    const db = await prepareDatabase(env, target, (message) => process.stderr.write(`${message}\n`));
    return {
      ...db,
      target,
      async destroy() {
        await db.close();
        rmSync(dataRoot, { recursive: true, force: true });
      },
    };
  }
  const name = `reunify_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const target: DatabaseTarget = { kind: 'server', url: url.toString() };
  const db = await prepareDatabase({ ...process.env, DATABASE_URL: target.url }, target);
  return {
    ...db,
    target,
    async destroy() {
      await db.close();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
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

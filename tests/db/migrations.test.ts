import { createHash, randomUUID } from 'node:crypto';

import pg from 'pg';

import { openDatabaseAdapter } from '../../src/db/adapter';
import { openDatabase } from '../../src/db/client';
import { assertMigrated, migrateDatabase } from '../../src/db/migrations';
import { createEmptyDatabase } from '../helpers/test-db';

jest.setTimeout(120_000);

const LAST = '20261124010000_audit';

async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A deploy killed while PostgreSQL ran the last migration's script: its row unfinished, its objects rolled back. */
async function cutShort(url: string, logs: string | null): Promise<void> {
  await sql(url, 'DROP TABLE audit_entries; DROP FUNCTION audit_entries_append_only()');
  await sql(url, `UPDATE "_prisma_migrations" SET finished_at = NULL, applied_steps_count = 0, logs = $2 WHERE migration_name = $1`, [
    LAST,
    logs,
  ]);
}

async function migrated(url: string): Promise<boolean> {
  const db = openDatabase(url);
  try {
    return await assertMigrated(db.prisma).then(
      () => true,
      () => false,
    );
  } finally {
    await db.close();
  }
}

describe('migrations', () => {
  it('apply a migration again that a killed deploy left unfinished (PostgreSQL rolled its script back)', async () => {
    const database = await createEmptyDatabase();
    try {
      await migrateDatabase(database.url);
      await cutShort(database.url, null);
      expect(await migrated(database.url)).toBe(false);
      const output = await migrateDatabase(database.url);
      expect(output).toContain(`Migration ${LAST} was cut short by a crash (PostgreSQL rolled it back); applying it again.`);
      expect(await migrated(database.url)).toBe(true);
      expect(await sql(database.url, 'SELECT count(*)::int AS n FROM audit_entries')).toEqual([{ n: 0 }]);
    } finally {
      await database.drop();
    }
  });

  it('leave a migration that failed with an error to a person, naming the fix', async () => {
    const database = await createEmptyDatabase();
    try {
      await migrateDatabase(database.url);
      await cutShort(database.url, 'ERROR: relation already exists');
      await expect(migrateDatabase(database.url)).rejects.toThrow(
        /failed on this database[\s\S]*npx prisma migrate resolve --rolled-back <name>[\s\S]*P3009/,
      );
    } finally {
      await database.drop();
    }
  });

  it('commit a migration script and its finished mark in one transaction', async () => {
    const database = await createEmptyDatabase();
    const pending = (name: string, script: string) =>
      sql(
        database.url,
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
        [randomUUID(), createHash('sha256').update(script).digest('hex'), name],
      );
    const state = (name: string, table: string) =>
      sql(
        database.url,
        `SELECT finished_at IS NOT NULL AS finished, to_regclass($2) IS NOT NULL AS made FROM "_prisma_migrations" WHERE migration_name = $1`,
        [name, table],
      );
    try {
      await migrateDatabase(database.url);
      const applies = 'CREATE TABLE marked_together (id int);';
      const fails = 'CREATE TABLE rolled_back_together (id int); SELECT 1/0;';
      await pending('applies', applies);
      await pending('fails', fails);
      const adapter = openDatabaseAdapter(database.url);
      try {
        const connection = await adapter.factory.connect();
        await connection.executeScript(applies);
        await expect(connection.executeScript(fails)).rejects.toThrow(/division by zero/);
        await connection.dispose();
      } finally {
        await adapter.close();
      }
      expect(await state('applies', 'marked_together')).toEqual([{ finished: true, made: true }]);
      expect(await state('fails', 'rolled_back_together')).toEqual([{ finished: false, made: false }]);
    } finally {
      await database.drop();
    }
  });
});

import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import pg from 'pg';

import { inheritedEnvironment } from '../config/env';
import { StartupError } from '../startup-error';
import type { Database } from './client';
import { openDatabase } from './client';
import type { PrismaClient } from './generated/client';

/**
 * The committed migrations, applied with Prisma Migrate exactly as `npm run db:migrate` does, made
 * safe against an interruption: the CLI runs in its own process group (a Ctrl-C reaches Reunify,
 * which waits for it), and a migration a crash cut short is recognised and applied again (see
 * src/db/adapter.ts, which commits a migration and its "finished" mark together).
 */

export class MigrationError extends StartupError {
  override readonly name = 'MigrationError';
}

/**
 * Applies the committed migrations to the database at `url` with `prisma migrate deploy`, in a child
 * process of its own group. First, a migration that a crash cut short is marked rolled back, so that
 * deploy applies it again instead of refusing every start with P3009.
 */
export async function migrateDatabase(url: string, environment: NodeJS.ProcessEnv = inheritedEnvironment()): Promise<string> {
  const resumed = await resumeInterruptedMigrations(url);
  const cli = require.resolve('prisma/build/index.js');
  const output: string[] = resumed.map(
    (name) => `Migration ${name} was cut short by a crash (PostgreSQL rolled it back); applying it again.\n`,
  );
  const code = await new Promise<number | null>((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, 'migrate', 'deploy'], {
      env: { ...environment, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Not in the terminal's process group: a Ctrl-C must not cut a migration short.
      detached: true,
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('error', reject);
    child.on('exit', resolvePromise);
  });
  if (code !== 0) {
    const text = output.join('').trim();
    const fix = /P3009|P3018/.test(text)
      ? ' A migration failed on this database: read its error below, fix the cause, then mark it with `npx prisma migrate resolve --rolled-back <name>` (or --applied) and start again.'
      : '';
    throw new MigrationError(`prisma migrate deploy failed (exit ${code}).${fix} Its output:\n${text}`);
  }
  return output.join('');
}

/** The advisory lock Prisma Migrate holds while it migrates: held here too, no deploy is running. */
const PRISMA_MIGRATE_LOCK = 72707369;

/**
 * A migration row left unfinished with no logs is one whose deploy was killed mid-way: the adapter
 * commits a migration's script and its finished mark in one transaction, so an unfinished row means
 * PostgreSQL rolled the script back. Mark such rows rolled back (what `prisma migrate resolve
 * --rolled-back` does), under Prisma's own lock so that a deploy in progress elsewhere is never touched.
 */
async function resumeInterruptedMigrations(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: locked } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [PRISMA_MIGRATE_LOCK]);
    if (!locked[0]?.ok) return [];
    try {
      const { rows } = await client.query<{ migration_name: string }>(
        `UPDATE "_prisma_migrations" SET rolled_back_at = now()
          WHERE finished_at IS NULL AND rolled_back_at IS NULL AND logs IS NULL
          RETURNING migration_name`,
      );
      return rows.map((row) => row.migration_name);
    } catch (err) {
      if ((err as { code?: string }).code === '42P01') return []; // never migrated: nothing to resume
      throw err;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]);
    }
  } finally {
    await client.end();
  }
}

export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'prisma', 'migrations');

/**
 * Fails unless every committed migration is applied to the database the client reaches: an API
 * or worker on an unmigrated database would otherwise answer with 500s on every read.
 */
export async function assertMigrated(prisma: PrismaClient, migrationsDir = MIGRATIONS_DIR): Promise<void> {
  const expected = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  let applied: string[] = [];
  try {
    const rows = await prisma.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    applied = rows.map((row) => row.migration_name);
  } catch (err) {
    // No _prisma_migrations table (42P01): nothing was ever applied. Anything else is not ours to hide.
    if (!/42P01|_prisma_migrations" does not exist/.test(`${(err as Error).message} ${JSON.stringify(err)}`)) {
      throw new MigrationError(`Could not read the applied migrations: ${(err as Error).message}`);
    }
  }
  const missing = expected.filter((name) => !applied.includes(name));
  if (missing.length > 0) {
    throw new MigrationError(
      `The database lacks ${missing.length} migration(s): ${missing.join(', ')}. Run \`npm run db:migrate\` with the same DATABASE_URL (or data folder) first.`,
    );
  }
}

/** Migrates the database at `url` and opens it, checked: every committed migration must be applied. */
export async function prepareDatabase(
  url: string,
  environment: NodeJS.ProcessEnv = inheritedEnvironment(),
): Promise<Database & { migrateOutput: string }> {
  const migrateOutput = await migrateDatabase(url, environment);
  const db = openDatabase(url);
  try {
    await assertMigrated(db.prisma);
  } catch (err) {
    await db.close();
    throw new MigrationError(`${(err as Error).message}\nprisma migrate deploy said:\n${migrateOutput}`);
  }
  return { ...db, migrateOutput };
}

import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { DatabaseTarget } from './adapter';
import { openDatabaseAdapter } from './adapter';
import { PrismaClient } from './generated/client';

export interface Database {
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** The one place that creates a PrismaClient: over PGlite or a PostgreSQL server, by config. */
export function openDatabase(target: DatabaseTarget): Database {
  const adapter = openDatabaseAdapter(target);
  const prisma = new PrismaClient({ adapter: adapter.factory });
  return {
    prisma,
    async close() {
      await prisma.$disconnect();
      await adapter.close();
    },
  };
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/**
 * Applies the committed migrations with Prisma Migrate (`prisma migrate deploy`), in a child
 * process that reads the same environment. Must run before this process opens a PGlite folder:
 * one process owns a PGlite folder at a time.
 */
export async function migrateDatabase(environment: NodeJS.ProcessEnv): Promise<string> {
  const cli = require.resolve('prisma/build/index.js');
  const output: string[] = [];
  const code = await new Promise<number | null>((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, 'migrate', 'deploy'], {
      env: { ...environment, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('error', reject);
    child.on('exit', resolvePromise);
  });
  if (code !== 0) {
    throw new MigrationError(
      `prisma migrate deploy failed (exit ${code}). Check DATABASE_URL, or the data folder for PGlite. Its output:\n${output.join('').trim()}`,
    );
  }
  return output.join('');
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

/**
 * Migrates the database and opens it, checked: every committed migration must be visible to this
 * process. If they are not after the CLI said they were applied (seen now and then with PGlite on a
 * loaded machine, never reproduced alone), migrate once more, loudly, before giving up. (Making the
 * PGlite folder in this process first, then migrating in the CLI's, was measured much worse: the
 * reopened folder aborted PGlite in 3 runs of 6.)
 */
export async function prepareDatabase(
  environment: NodeJS.ProcessEnv,
  target: DatabaseTarget,
  log: (message: string) => void = () => undefined,
): Promise<Database & { migrateOutput: string }> {
  if (target.kind === 'pglite' && existsSync(join(target.dataDir, 'PG_VERSION'))) {
    // A restart: when every migration is already applied, no other process touches the folder.
    // (A PGlite folder closed here, opened by the CLI's process, which exits without closing it,
    // then reopened here, aborted PGlite in 3 runs of 6: avoid that round trip when it is not needed.)
    const existing = openDatabase(target);
    const complete = await assertMigrated(existing.prisma).then(
      () => true,
      () => false,
    );
    if (complete) return { ...existing, migrateOutput: 'All migrations already applied.' };
    await existing.close();
  }
  let migrateOutput = await migrateDatabase(environment);
  let db = openDatabase(target);
  try {
    await assertMigrated(db.prisma);
  } catch (err) {
    if (target.kind !== 'pglite') throw err;
    log(`PGlite did not show the migrations just applied (${(err as Error).message}); applying them again.`);
    await db.close();
    migrateOutput += await migrateDatabase(environment);
    db = openDatabase(target);
    await assertMigrated(db.prisma).catch(async (again: Error) => {
      await db.close();
      throw new MigrationError(`${again.message}\nprisma migrate deploy said:\n${migrateOutput}`);
    });
  }
  return { ...db, migrateOutput };
}

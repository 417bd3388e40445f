import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { inheritedEnvironment } from '../config/env';
import { openDatabaseAdapter } from './adapter';
import { PrismaClient } from './generated/client';

export interface Database {
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** The one place that creates a PrismaClient, over the PostgreSQL server at `url`. */
export function openDatabase(url: string): Database {
  const adapter = openDatabaseAdapter(url);
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
 * Applies the committed migrations with Prisma Migrate (`prisma migrate deploy`) to the database at
 * `url`, in a child process, exactly as `npm run db:migrate` does.
 */
export async function migrateDatabase(url: string, environment: NodeJS.ProcessEnv = inheritedEnvironment()): Promise<string> {
  const cli = require.resolve('prisma/build/index.js');
  const output: string[] = [];
  const code = await new Promise<number | null>((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, 'migrate', 'deploy'], {
      env: { ...environment, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('error', reject);
    child.on('exit', resolvePromise);
  });
  if (code !== 0) {
    throw new MigrationError(`prisma migrate deploy failed (exit ${code}). Its output:\n${output.join('').trim()}`);
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

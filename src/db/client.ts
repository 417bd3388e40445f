import { spawn } from 'node:child_process';

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
export async function migrateDatabase(environment: NodeJS.ProcessEnv): Promise<void> {
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
}

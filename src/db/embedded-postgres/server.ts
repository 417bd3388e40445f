import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, fstatSync, openSync, readSync } from 'node:fs';

import pg from 'pg';

import { inheritedEnvironment } from '../../config/env';
import { isAlive } from '../../processes';
import type { Binaries } from './binaries';
import { EmbeddedPostgresError } from './errors';
import type { EmbeddedPaths } from './paths';
import { DATABASE_NAME, urlOf } from './paths';
import type { Owner } from './system-user';

export interface Spawned {
  child: ChildProcess;
  /** Where its log stood when it was spawned: what it writes from here on is this start's. */
  logOffset: number;
  /** Why it stopped, once it has (exit code, signal, or a spawn error such as EACCES). */
  stopped(): string | undefined;
}

/**
 * Spawns the postmaster on 127.0.0.1 only, its output appended to `<data>/postgres.log` (0600: error
 * details there can carry values). Its own process group for `npm start`: a Ctrl-C in the terminal
 * reaches Reunify, which stops the server last, after the worker and the API are done with it. A
 * throwaway server (tests) stays in the caller's group, so an interrupted run takes it down too.
 */
export function spawnServer(binaries: Binaries, paths: EmbeddedPaths, port: number, owner: Owner | undefined, throwaway: boolean): Spawned {
  const settings = [
    'listen_addresses=127.0.0.1',
    // No Unix socket: its default folder (/var/run/postgresql) may not exist or be writable here.
    'unix_socket_directories=',
    'max_connections=200',
    ...(throwaway ? ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] : []),
  ];
  const log = openSync(paths.log, 'a', 0o600);
  try {
    chmodSync(paths.log, 0o600);
    const logOffset = fstatSync(log).size;
    const child = spawn(binaries.postgres, ['-D', paths.cluster, '-p', String(port), ...settings.flatMap((s) => ['-c', s])], {
      detached: !throwaway,
      stdio: ['ignore', log, log],
      env: { ...inheritedEnvironment(), LC_MESSAGES: 'C' },
      ...owner,
    });
    child.unref();
    // Listened to at once: an 'error' with no listener (a binary that cannot run) would crash the process.
    let stopped: string | undefined;
    child.once('exit', (code, signal) => (stopped ??= `exit code ${code ?? signal}`));
    child.once('error', (err) => (stopped ??= err.message));
    return { child, logOffset, stopped: () => stopped };
  } finally {
    closeSync(log);
  }
}

export interface Waiting {
  port: number;
  password: string;
  logFile: string;
  spawned?: Spawned;
  startTimeoutMs: number;
  onProgress: (message: string) => void;
}

/** Connection failures that pass while a server starts or recovers; anything else will not. */
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P03']);

/**
 * Waits until the server accepts connections and makes the `reunify` database when missing. Fails
 * at once, with the server's own words, when it stops or refuses in a way that waiting cannot mend.
 */
export async function waitUntilReady({ port, password, logFile, spawned, startTimeoutMs, onProgress }: Waiting): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  for (let nextNote = Date.now() + 10_000; ;) {
    const stopped = spawned?.stopped();
    if (stopped)
      throw new EmbeddedPostgresError(`The embedded PostgreSQL server stopped while starting (${stopped}). ${logSince(logFile, spawned)}`);
    const error = await ensureDatabase(urlOf(port, password, 'postgres'));
    if (!error) return;
    if (error.code === '28P01') {
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL server refuses the password in postgres-password beside its data: the file does not belong to this cluster. Restore it, or move the data folder aside to start afresh.`,
      );
    }
    if (!TRANSIENT.has(error.code ?? '') && !/timeout|terminated/i.test(error.message)) {
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL server on port ${port} cannot be used: ${error.message}. ${logSince(logFile, spawned)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL server did not accept connections on port ${port} within ${startTimeoutMs / 1000} s: ${error.message}. ${logSince(logFile, spawned)}`,
      );
    }
    if (Date.now() > nextNote) {
      onProgress('PostgreSQL is still starting (recovering after an unclean stop takes longer)...');
      nextNote = Date.now() + 10_000;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The server's last lines since this start: its own account of why it stopped. */
function logSince(logFile: string, spawned: Spawned | undefined): string {
  try {
    const fd = openSync(logFile, 'r');
    try {
      const from = Math.max(spawned?.logOffset ?? 0, fstatSync(fd).size - 4000);
      const buffer = Buffer.alloc(fstatSync(fd).size - from);
      readSync(fd, buffer, 0, buffer.length, from);
      const lines = buffer.toString('utf8').trim().split('\n').slice(-8);
      return lines.length ? `Its log (${logFile}) says:\n${lines.join('\n')}` : `Its log: ${logFile}.`;
    } finally {
      closeSync(fd);
    }
  } catch {
    return `Its log: ${logFile}.`;
  }
}

/** Creates the `reunify` database when missing; returns why the server cannot be used yet, if so. */
async function ensureDatabase(adminUrl: string): Promise<{ code?: string; message: string } | undefined> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${DATABASE_NAME}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // made by another process a moment ago
      });
    }
    return undefined;
  } catch (err) {
    return { code: (err as { code?: string }).code, message: (err as Error).message };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fast shutdown (SIGINT: sessions end, the log is flushed), then an immediate one if it hangs. */
export async function stopServer(pid: number, child: ChildProcess | undefined): Promise<void> {
  const gone = (): boolean => (child ? child.exitCode !== null || child.signalCode !== null : !isAlive(pid));
  if (gone()) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const waitUntil = async (ms: number): Promise<boolean> => {
    for (const end = Date.now() + ms; Date.now() < end;) {
      if (gone()) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return gone();
  };
  if (await waitUntil(30_000)) return;
  process.kill(pid, 'SIGQUIT');
  await waitUntil(10_000);
}

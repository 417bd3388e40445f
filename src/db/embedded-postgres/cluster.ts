import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { inheritedEnvironment } from '../../config/env';
import { isAlive } from '../../processes';
import type { Binaries } from './binaries';
import { EmbeddedPostgresError } from './errors';
import type { EmbeddedPaths } from './paths';
import { SUPERUSER } from './paths';
import type { Owner } from './system-user';

/** The password of the embedded server's superuser, made once and kept beside its data. */
export function passwordOf(file: string): string {
  removeDrafts(file);
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

/** Drafts a killed start left behind (`<file>.<pid>.tmp` of a process that is gone). */
function removeDrafts(file: string): void {
  const prefix = `${basename(file)}.`;
  for (const name of readdirSync(dirname(file))) {
    const pid = Number(name.slice(prefix.length, -'.tmp'.length));
    if (name.startsWith(prefix) && name.endsWith('.tmp') && !isAlive(pid)) rmSync(join(dirname(file), name), { force: true });
  }
}

/**
 * Runs initdb into a scratch folder renamed into place, so an interrupted first start leaves no half
 * cluster. Called under the start lock, so scratch folders found here are leftovers of a killed start.
 */
export function initialise(binaries: Binaries, cluster: string, password: string, owner: Owner | undefined, throwaway: boolean): void {
  const parent = dirname(cluster);
  for (const leftover of readdirSync(parent).filter((name) => name.startsWith('postgres.init-'))) {
    rmSync(join(parent, leftover), { recursive: true, force: true });
  }
  const scratch = join(parent, `postgres.init-${process.pid}`);
  // initdb reads the password from a file; one only the server's user can read, removed at once.
  const pwfile = `${scratch}.pw`;
  mkdirSync(scratch, { mode: 0o700 });
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) {
    chownSync(scratch, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  try {
    execFileSync(binaries.initdb, initdbArguments(scratch, pwfile, throwaway), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...inheritedEnvironment(), LC_ALL: 'C' },
      ...owner,
    });
  } catch (err) {
    const output = `${(err as { stderr?: Buffer }).stderr?.toString() ?? ''}`.trim();
    rmSync(scratch, { recursive: true, force: true });
    throw new EmbeddedPostgresError(`initdb failed for ${cluster}: ${output || (err as Error).message}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
  renameSync(scratch, cluster);
}

function initdbArguments(pgdata: string, pwfile: string, throwaway: boolean): string[] {
  return [
    `--pgdata=${pgdata}`,
    `--username=${SUPERUSER}`,
    `--pwfile=${pwfile}`,
    '--auth=scram-sha-256',
    '--encoding=UTF8',
    '--locale=C',
    '--no-instructions',
    ...(throwaway ? ['--no-sync'] : []),
  ];
}

export interface Running {
  pid: number;
  port: number;
}

interface PidFile {
  pid: number;
  port: number;
}

/** PostgreSQL's lock file: line 1 the postmaster's pid, line 4 its port. Undefined when absent or unreadable. */
function readPidFile(cluster: string): PidFile | undefined {
  const file = join(cluster, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 ? { pid, port } : undefined;
}

/** The server running on a cluster folder: its pid file names a live process that is this cluster's postmaster. */
export function runningServer(cluster: string): Running | undefined {
  const pidFile = readPidFile(cluster);
  if (!pidFile || !isAlive(pidFile.pid) || !isPostmasterOf(pidFile.pid, cluster)) return undefined;
  return pidFile;
}

/**
 * Whether a live pid (from a pid file that may be stale) is the postmaster of this cluster. On Linux
 * its working folder is the cluster (the postmaster changes into it), whatever path named it; elsewhere
 * its command line names the cluster. A reused pid or another cluster's server does not count.
 */
function isPostmasterOf(pid: number, cluster: string): boolean {
  try {
    return realpathSync(`/proc/${pid}/cwd`) === realpathSync(cluster);
  } catch {
    try {
      const commandLine = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
      return /postgres/.test(commandLine) && commandLine.includes(` -D ${cluster} `);
    } catch {
      return false;
    }
  }
}

/**
 * Clears the pid file a crash left (called under the start lock, after `runningServer` found no live
 * postmaster for it). PostgreSQL then recovers from its write-ahead log as it starts.
 */
export function clearStalePid(cluster: string, progress: (message: string) => void): void {
  const file = join(cluster, 'postmaster.pid');
  if (!existsSync(file)) return;
  const pidFile = readPidFile(cluster);
  const why = !pidFile
    ? 'it is unreadable'
    : isAlive(pidFile.pid)
      ? `pid ${pidFile.pid} is now another process`
      : `pid ${pidFile.pid} is gone`;
  progress(`Removing a stale postmaster.pid (${why}: the last run did not stop cleanly); PostgreSQL recovers from its log.`);
  rmSync(file, { force: true });
}

/**
 * Holds `<data>/postgres.start.lock` while `run` initialises or starts the server, so that two starts
 * at once do not both run initdb or spawn a server: the second waits, then finds the first's server.
 * A lock whose holder is gone (a killed start) is taken over.
 */
export async function withStartLock<T>(paths: EmbeddedPaths, progress: (message: string) => void, run: () => Promise<T>): Promise<T> {
  let noted = false;
  for (;;) {
    try {
      writeFileSync(paths.startLock, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = lockHolder(paths.startLock);
    if (lockIsStale(paths.startLock, holder)) {
      // Read again just before removing, so that a lock another waiter has just taken stays.
      if (lockHolder(paths.startLock) === holder) rmSync(paths.startLock, { force: true });
      continue;
    }
    if (!noted) progress(`Another process (pid ${holder}) is starting the embedded PostgreSQL server; waiting for it...`);
    noted = true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  try {
    return await run();
  } finally {
    rmSync(paths.startLock, { force: true });
  }
}

/**
 * A lock is stale when its holder is gone, or when it has stayed empty for seconds (its maker was
 * killed between creating and writing it; a lock being written is empty for microseconds).
 */
function lockIsStale(file: string, holder: number | undefined): boolean {
  if (holder !== undefined) return !isAlive(holder);
  try {
    return Date.now() - statSync(file).mtimeMs > 5_000;
  } catch {
    return true; // gone meanwhile: try to take it
  }
}

/** The pid in a lock or owner file; undefined when it is absent, empty or unreadable. */
function lockHolder(file: string): number | undefined {
  const pid = Number(readIfPresent(file)?.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether the process recorded as the server's owner is gone: then whoever finds the server owns it. */
export function ownerIsGone(paths: EmbeddedPaths): boolean {
  const pid = lockHolder(paths.owner);
  return pid === undefined || !isAlive(pid);
}

export function recordOwner(paths: EmbeddedPaths): void {
  writeFileSync(paths.owner, `${process.pid}\n`, { mode: 0o644 });
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

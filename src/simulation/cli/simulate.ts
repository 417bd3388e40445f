import { z } from 'zod';

import { loadConfig } from '../../config/env';
import { openDatabase } from '../../db/client';
import { databaseUrlOf } from '../../db/locate';
import type { SimulationRequest } from '../engine/scenario';
import { simulate } from '../engine/simulate';
import { simulationMarkdown } from '../report/markdown';
import { fileIo } from '../runtime/files';
import { fitFromDatabase } from '../runtime/fit-db';
import { writeSimulation } from '../runtime/outputs';
import { endProgress, stderrProgress } from '../runtime/progress';
import { WorkerPool } from '../runtime/worker-pool';
import { SIMULATE_HELP } from './help';
import { buildRequest, parseSimulateArgs } from './options';
import { runCommand } from './run-command';
import { toNumber } from './specs';

/** `npm run simulate`: see ./help.ts, or run it with --help. */

async function withFittedDurations(request: SimulationRequest): Promise<SimulationRequest> {
  const db = openDatabase(databaseUrlOf(loadConfig().database));
  try {
    const fit = await fitFromDatabase(db.prisma);
    const counts = Object.entries(fit.samples)
      .map(([stage, n]) => `${stage} ${n}`)
      .join(', ');
    process.stderr.write(`Fitted from ${fit.cases} cases in the read model (visits per stage: ${counts || 'none'}).\n`);
    return { ...request, scenario: { ...request.scenario, durations: fit.durations } };
  } finally {
    await db.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const values = parseSimulateArgs(argv);
  if (values.help) {
    process.stdout.write(SIMULATE_HELP);
    return;
  }
  let request = buildRequest(values, fileIo());
  if (values['fit-from-db']) request = await withFittedDurations(request);
  const workers = values.workers === undefined ? undefined : z.int().min(1).max(64).parse(toNumber(values.workers, '--workers'));
  const pool = new WorkerPool(workers);
  const started = Date.now();
  const result = await simulate(request, pool, { progress: stderrProgress('simulate') }).finally(() => pool.close());
  endProgress();
  const written = writeSimulation(values.out ?? 'data/simulation', result);
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : simulationMarkdown(result));
  process.stderr.write(
    `Done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.work.children.toLocaleString('en-US')} children. Wrote ${written.join(', ')}\n`,
  );
}

runCommand(() => main(process.argv.slice(2)));

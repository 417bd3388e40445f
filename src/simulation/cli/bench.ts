import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

import { SimulationRequestSchema } from '../engine/scenario';
import { simulate } from '../engine/simulate';
import { endProgress, stderrProgress } from '../runtime/progress';
import { WorkerPool } from '../runtime/worker-pool';
import { runCommand } from './run-command';
import { toNumber } from './specs';

const HELP = `npm run simulate:bench -- [options]

Times the simulator on a year of admissions at the February 2024 pace (length of care 28.8 days,
children in care at the start at that steady level), every child through the statechart and the
deadline schedule. Progress on stderr; the figures on stdout.

  --arrivals N     Admissions over the period (default 100000).
  --days N         Default 365.
  --runs N         Default 1.
  --what-if        Also run "Category 1 at 7 days" against it (twice the children).
  --workers N      Default: one per core.
  --help
`;

async function main(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      arrivals: { type: 'string' },
      days: { type: 'string' },
      runs: { type: 'string' },
      'what-if': { type: 'boolean' },
      workers: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (v.help) return void process.stdout.write(HELP);
  const days = toNumber(v.days ?? '365', '--days');
  const perDay = toNumber(v.arrivals ?? '100000', '--arrivals') / days;
  const stay = 28.8;
  const request = SimulationRequestSchema.parse({
    scenario: {
      label: 'February 2024 pace',
      start: '2024-02-01',
      days,
      initialInCare: Math.round(perDay * stay),
      arrivals: { kind: 'rate', perDay },
      lengthOfCare: [{ from: '2024-02-01', meanDays: stay }],
      profile: 'baseline-2015',
      caseManagers: 700,
      fundedBeds: 10_000,
    },
    whatIf: v['what-if'] ? { label: 'Category 1 at 7 days', changes: [{ change: 'mean_stay', category: '1', days: 7 }] } : undefined,
    runs: toNumber(v.runs ?? '1', '--runs'),
  });
  const workers = v.workers ? toNumber(v.workers, '--workers') : availableParallelism();
  const pool = new WorkerPool(workers);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await simulate(request, pool, { progress: stderrProgress('bench') }).finally(() => pool.close());
  endProgress();
  const seconds = (performance.now() - started) / 1000;
  // Every thread of the process: on a machine shared with other work, wall time over-states the cost.
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const admitted = result.base.daily.arrivals.mean.reduce((a, b) => a + b, 0);
  const lines = [
    `| figure | value |`,
    `| --- | --- |`,
    `| machine | ${cpus()[0]?.model ?? 'unknown'}, ${availableParallelism()} cores; ${workers} worker threads; Node ${process.version} |`,
    `| admissions simulated (one run) | ${Math.round(admitted).toLocaleString('en-US')} over ${days} days |`,
    `| children simulated in all (calibration, start population, runs) | ${result.work.children.toLocaleString('en-US')} |`,
    `| statechart transitions | ${result.work.machineEvents.toLocaleString('en-US')} |`,
    `| alerts fired by the deadline schedule | ${result.work.alertsFired.toLocaleString('en-US')} |`,
    `| wall time | ${seconds.toFixed(1)} s |`,
    `| CPU time, all threads | ${cpuSeconds.toFixed(1)} s (${(cpuSeconds / workers).toFixed(1)} s a worker; load average at the end ${loadavg()[0]!.toFixed(1)}) |`,
    `| CPU per child | ${((1000 * cpuSeconds) / result.work.children).toFixed(2)} ms |`,
    `| children a second | ${Math.round(result.work.children / seconds).toLocaleString('en-US')} |`,
    `| transitions a second | ${Math.round(result.work.machineEvents / seconds).toLocaleString('en-US')} |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

runCommand(() => main(process.argv.slice(2)));

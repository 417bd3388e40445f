/**
 * `npm run check:fresh-starts`: starts Reunify N times in a row, each on a new, empty data folder, as a
 * newcomer's first `npm start` would, and reports how many reached "ready" and the time each took.
 * Run it with the machine loaded (beside `npm test`, or with `--busy <n>` CPU-bound processes of its
 * own) to show a first start does not fail on a busy machine.
 *
 *   npm run check:fresh-starts -- [--runs 20] [--busy 0] [--timeout 300]
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { freePort } from '../src/processes';
import { startProcess, stopProcess } from './processes';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    busy: { type: 'string', default: '0' },
    timeout: { type: 'string', default: '300' },
    help: { type: 'boolean', default: false },
  },
});

interface Outcome {
  run: number;
  ok: boolean;
  readyMs: number | null;
  stoppedCleanly: boolean;
  error?: string;
}

const say = (line: string): void => void process.stderr.write(`${line}\n`);

/** CPU-bound processes beside the starts, so that they compete for the cores as a busy machine would. */
function startBusyLoad(count: number): () => void {
  const burners = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  return () => burners.forEach((burner) => burner.kill('SIGKILL'));
}

async function onceFresh(run: number, timeoutMs: number): Promise<Outcome> {
  const root = mkdtempSync(join(tmpdir(), 'reunify-fresh-'));
  // As root, PostgreSQL runs as the postgres user, who must be able to enter the folder.
  chmodSync(root, 0o755);
  const env = {
    ...process.env,
    DATABASE_URL: '',
    TEMPORAL_ADDRESS: '',
    REUNIFY_DATA_DIR: join(root, 'data'),
    API_PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    REUNIFY_POSTGRES_PORT: String(await freePort()),
    LOG_LEVEL: 'info',
  };
  try {
    const running = await startProcess('start', env, 'Reunify is ready', timeoutMs);
    const code = await stopProcess(running);
    return { run, ok: true, readyMs: Math.round(running.readyMs), stoppedCleanly: code === 0 };
  } catch (err) {
    return { run, ok: false, readyMs: null, stoppedCleanly: false, error: (err as Error).message.slice(-3000) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (values.help) {
    say('npm run check:fresh-starts -- [--runs 20] [--busy <CPU-bound processes beside it>] [--timeout <seconds per start>]');
    return;
  }
  const runs = Number(values.runs);
  const stopLoad = startBusyLoad(Number(values.busy));
  const outcomes: Outcome[] = [];
  try {
    for (let run = 1; run <= runs; run += 1) {
      const outcome = await onceFresh(run, Number(values.timeout) * 1000);
      outcomes.push(outcome);
      say(
        `start ${run}/${runs}: ${outcome.ok ? `ready in ${(outcome.readyMs! / 1000).toFixed(1)} s${outcome.stoppedCleanly ? '' : ' (did not stop cleanly)'}` : `FAILED\n${outcome.error}`}`,
      );
    }
  } finally {
    stopLoad();
  }
  const times = outcomes.flatMap((o) => (o.readyMs === null ? [] : [o.readyMs])).sort((a, b) => a - b);
  const median = times.length ? times[Math.floor((times.length - 1) / 2)]! : null;
  const failed = outcomes.filter((o) => !o.ok || !o.stoppedCleanly).length;
  process.stdout.write(
    `${JSON.stringify({ runs, reachedReady: times.length, failed, medianReadyMs: median, minReadyMs: times[0] ?? null, maxReadyMs: times.at(-1) ?? null, busyProcesses: Number(values.busy), cores: cpus().length }, null, 2)}\n`,
  );
  if (failed > 0) process.exitCode = 1;
}

main().catch((err) => {
  say(`fresh-starts failed: ${(err as Error).stack}`);
  process.exit(1);
});

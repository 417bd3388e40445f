/**
 * `npm run bench`: Reunify on the real stack against Temporal's own round trip. Brings up the
 * dev server (or TEMPORAL_ADDRESS), the embedded PostgreSQL server (or DATABASE_URL), the case worker
 * in its own process (`npm run start:worker`, as deployed) and the API in this process,
 * then: (1) the baseline, a no-op Workflow Update; (2) full case lifecycles over HTTP, concurrently,
 * every transition timed from request to response, and a probe of single Updates; (3) capacity: many
 * open cases with pending timers, memory, and how late their alerts fire; (4) the read path, GET /cases
 * (GET /cases and /alerts) with `--read-cases` cases in the database. Writes JSON and Markdown
 * under bench/results. `--read-only` runs the read path alone, without a case worker.
 *
 *   npm run bench -- [--cases 200] [--concurrency 16] [--open-cases 10000] [--timer-seconds 120]
 *                    [--due-per-second 10] [--baseline 300] [--duration 0] [--read-cases 10000]
 *                    [--read-requests 4000] [--read-concurrency 4] [--read-only] [--smoke] [--no-codec] [--one-process]
 *
 * The worker's memory is measured alone. `--one-process` (or `--no-codec`, whose clients a separate
 * worker would not match) runs the worker in this process instead.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { measureBaseline, pooledBaseline } from './baseline';
import { measureCapacity } from './capacity';
import { summarizeProfiles } from './cpu-profile';
import { explainReadShapes } from './explain';
import type { Flags } from './flags';
import { FlagError, HELP, parseFlags } from './flags';
import type { LifecycleTimings } from './lifecycles';
import { runLifecycles } from './lifecycles';
import { probeUpdates } from './probe';
import { progress } from './progress';
import { measureReadPath } from './read-path';
import type { BaselineResult, BenchResult, ReunifyResult } from './report';
import { machine, markdown } from './report';
import { startStack } from './stack';
import { percentiles, roundTo } from './stats';

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  if (!flags) return void process.stdout.write(HELP);
  const { params } = flags;
  const started = Date.now();
  const at = new Date(started).toISOString();
  const extras = artifacts(flags, at);
  const stack = await startStack({
    started,
    noCodec: flags.noCodec,
    oneProcess: flags.oneProcess,
    readOnly: flags.readOnly,
    ...(extras.workerProfiles ? { workerProfileDir: extras.workerProfiles } : {}),
  });
  try {
    // Requests that failed, in every phase.
    const failures: string[] = [];
    if (flags.readOnly) {
      const readPath = await measureReadPath(stack, params, failures, extras.cpuProfile);
      if (extras.plans) await explainReadShapes(stack, extras.plans);
      const totalSeconds = roundTo((Date.now() - started) / 1000, 1);
      return write(flags, { at, machine: machine(), stack: stack.info, params, readPath, failures: failures.slice(0, 20), totalSeconds });
    }
    const before = await measureBaseline(stack, params, 'before');
    const lifecycles = await runLifecycles(stack, params, failures);
    // What an Update costs is the first pass's (pooledBaseline): the second measures time only.
    const baseline = pooledBaseline([before, await measureBaseline(stack, params, 'after', { costs: false })]);
    const probe = await probeUpdates(stack, params);
    const capacity = await measureCapacity(stack, params, failures);
    const readPath = await measureReadPath(stack, params, failures, extras.cpuProfile);
    if (extras.plans) await explainReadShapes(stack, extras.plans);
    write(flags, {
      at,
      machine: machine(),
      stack: stack.info,
      params,
      baseline,
      reunify: reunifyResult(lifecycles, baseline, failures),
      probe,
      capacity,
      readPath,
      failures: failures.slice(0, 20),
      totalSeconds: roundTo((Date.now() - started) / 1000, 1),
    });
  } finally {
    await stack.stop();
    // The worker writes its profiles as it exits, one per thread (its workflow threads are where cases run).
    if (extras.workerProfiles) summarizeProfiles(extras.workerProfiles);
  }
}

/** Throughput and latency of the lifecycles, beside the baseline's. */
function reunifyResult(timings: LifecycleTimings, baseline: BaselineResult, failures: string[]): ReunifyResult {
  const { lifecycles, completed, seconds } = timings;
  const transitions = percentiles(timings.transitionMs);
  return {
    lifecycles,
    completedLifecycles: completed,
    failedRequests: failures.length,
    seconds: roundTo(seconds, 1),
    lifecyclesPerSecond: roundTo(completed / seconds, 2),
    transitionsPerSecond: roundTo(timings.transitionMs.length / seconds, 1),
    transitionMs: transitions,
    ratioToBaselineP50: roundTo(transitions.p50 / baseline.concurrentMs.p50, 2),
    ratioToSequentialBaselineP50: roundTo(transitions.p50 / baseline.sequentialMs.p50, 2),
    byEvent: Object.fromEntries(Object.entries(timings.byEvent).map(([event, ms]) => [event, percentiles(ms)])),
    ...(timings.cpuPerTransitionMs ? { cpuPerTransitionMs: timings.cpuPerTransitionMs } : {}),
    ...(timings.serverRequestsPerTransition ? { serverRequestsPerTransition: timings.serverRequestsPerTransition } : {}),
  };
}

/** `<out>/[smoke-]<time>`: the results' path without its extension. */
function resultsBase(flags: Flags, at: string): string {
  return join(flags.out, `${flags.smoke ? 'smoke-' : ''}${at.replace(/[:.]/g, '-')}`);
}

/** Where `--cpu-profile`, `--worker-profile` and `--explain` write, beside the results. */
function artifacts(flags: Flags, at: string): { cpuProfile?: string; workerProfiles?: string; plans?: string } {
  mkdirSync(flags.out, { recursive: true });
  const base = resultsBase(flags, at);
  return {
    ...(flags.cpuProfile ? { cpuProfile: `${base}-read-path.cpuprofile` } : {}),
    ...(flags.workerProfile ? { workerProfiles: `${base}-worker-profile` } : {}),
    ...(flags.explain ? { plans: `${base}-read-plans.txt` } : {}),
  };
}

/** `<out>/[smoke-]<time>.json` and `.md`; the Markdown table to stdout too. */
function write(flags: Flags, result: BenchResult): void {
  mkdirSync(flags.out, { recursive: true });
  const jsonPath = `${resultsBase(flags, result.at)}.json`;
  writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
  const md = markdown(result);
  writeFileSync(jsonPath.replace(/\.json$/, '.md'), md);
  process.stdout.write(`${md}\nWritten: ${jsonPath} (and .md)\n`);
}

main().catch((err) => {
  progress(err instanceof FlagError ? err.message : `Benchmark failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});

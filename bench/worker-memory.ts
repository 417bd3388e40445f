/**
 * `npm run bench:worker-memory`: what one cached case costs the worker, in heap bytes, and where it
 * goes. Starts an in-memory dev server and a case worker in this process with the workflows in the
 * main thread (`debugMode`, so the heap measured here is the one that holds them), opens `--workflows`
 * cases in steps, and after a full GC reports the V8 heap and RSS per step. The activities are stand-ins
 * that answer at once: this measures the workflow cache, not the read model (the full `npm run bench`
 * measures the deployed worker). `--snapshot <file>` writes a heap snapshot at the end.
 *
 *   npm run bench:worker-memory -- [--workflows 400] [--steps 4] [--snapshot f.heapsnapshot]
 *                    [--no-reuse-v8-context] [--tree-shake] [--no-shared-modules]
 *
 * `--no-shared-modules` evaluates Reunify's pure modules per case, as before they were shared.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';

import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { Configuration } from 'webpack';

import type { CaseActivities } from '../src/activities/case-activities';
import { parseConfig } from '../src/config/env';
import { OpenCaseSchema } from '../src/contracts/case-input';
import { caseWorkflowId } from '../src/contracts/ids';
import { CASE_WORKFLOW_TYPE } from '../src/contracts/messages';
import { DEFAULT_TARGETS } from '../src/contracts/targets';
import { resolveTemporalBinary } from '../src/temporal/binaries';
import { ensureSearchAttributes } from '../src/temporal/search-attributes';
import { DEV_SERVER_SQLITE_PRAGMAS } from '../src/temporal/server';
import { WORKFLOW_BUNDLE_OPTIONS } from '../src/worker/workflow-bundle';
import { progress } from './progress';
import { mib } from './stats';

const { values } = parseArgs({
  options: {
    workflows: { type: 'string', default: '400' },
    steps: { type: 'string', default: '4' },
    snapshot: { type: 'string' },
    'no-reuse-v8-context': { type: 'boolean', default: false },
    'tree-shake': { type: 'boolean', default: false },
    'no-shared-modules': { type: 'boolean', default: false },
  },
});

/** Stand-ins that answer at once, so that every opened case settles waiting on its timer. */
function standInActivities(settled: () => void): CaseActivities {
  return {
    projectCase: async (projection) => {
      settled();
      return { lastSeq: Math.max(...projection.transitions.map((t) => t.seq)) };
    },
    recordAlerts: async () => ({ webhook: false }),
    deliverAlertWebhook: async () => ({ status: 0 }),
    recordDeadLetter: async () => undefined,
    recordReadModelDeadLetter: async () => undefined,
    signalOpenCases: async () => ({ signalled: 0, movedFirst: 0, byCareProvider: {} }),
    loadTargets: async () => ({ version: 0, targets: DEFAULT_TARGETS }),
  };
}

/**
 * `--tree-shake`: webpack's production optimisations on the workflow bundle (unused exports and
 * side-effect-free modules dropped, modules concatenated), without minifying or renaming exports.
 */
function treeShaken(config: Configuration): Configuration {
  return {
    ...config,
    mode: 'production',
    optimization: {
      usedExports: true,
      sideEffects: true,
      concatenateModules: true,
      minimize: false,
      mangleExports: false,
      moduleIds: 'named',
    },
  };
}

interface Step {
  cached: number;
  /** Process CPU (user + system) since the step before, per case it opened. */
  cpuMsPerCase: number | null;
  heapUsedMiB: number | null;
  rssMiB: number | null;
  contexts: number;
}

let cpuBefore = process.cpuUsage();
function measure(cached: number, opened: number): Step {
  const cpu = process.cpuUsage(cpuBefore);
  (globalThis as { gc?: () => void }).gc?.();
  const heap = v8.getHeapStatistics();
  cpuBefore = process.cpuUsage();
  return {
    cached,
    cpuMsPerCase: opened > 0 ? Math.round((cpu.user + cpu.system) / 1000 / opened) : null,
    heapUsedMiB: mib(heap.used_heap_size),
    rssMiB: mib(process.memoryUsage().rss),
    contexts: heap.number_of_native_contexts,
  };
}

async function main(): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc) throw new Error('Run with node --expose-gc (npm run bench:worker-memory does)');
  const total = Number(values.workflows);
  const steps = Number(values.steps);
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const config = parseConfig(process.env);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: resolveTemporalBinary('temporal', { explicitPath: config.temporal.cliPath, toolsDir: config.toolsDir }),
      ip: '127.0.0.1',
      extraArgs: DEV_SERVER_SQLITE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma]),
    },
  });
  await ensureSearchAttributes(env.nativeConnection, 'default');
  let settled = 0;
  const taskQueue = `worker-memory-${Date.now().toString(36)}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: WORKFLOW_BUNDLE_OPTIONS.workflowsPath,
    activities: standInActivities(() => (settled += 1)),
    maxCachedWorkflows: total + 10,
    reuseV8Context: !values['no-reuse-v8-context'],
    bundlerOptions: {
      ...(values['no-shared-modules'] ? {} : { preloadModules: WORKFLOW_BUNDLE_OPTIONS.preloadModules }),
      ...(values['tree-shake'] ? { webpackConfigHook: treeShaken } : {}),
    },
    debugMode: true,
  });
  const results: Step[] = [];
  await worker.runUntil(async () => {
    results.push(measure(0, 0));
    for (let step = 1; step <= steps; step += 1) {
      const upTo = Math.round((total * step) / steps);
      const from = settled;
      for (let i = settled; i < upTo; i += 1) {
        const caseId = `MEM-${taskQueue}-${i}`;
        await env.client.workflow.start(CASE_WORKFLOW_TYPE, {
          workflowId: caseWorkflowId(caseId),
          taskQueue,
          args: [
            {
              open: OpenCaseSchema.parse({
                caseId,
                admittedAt: new Date().toISOString(),
                careProviderId: 'shelter-tx-07',
                child: { birthDate: '2017-05-20' },
                openedBy: { id: 'cm-ana', role: 'case_manager' },
              }),
            },
          ],
        });
      }
      while (settled < upTo) await sleep(200);
      await sleep(500); // the task that follows the projection
      results.push(measure(upTo, upTo - from));
      progress(`${upTo} cases cached: ${JSON.stringify(results.at(-1))}`);
    }
    if (values.snapshot) progress(`Heap snapshot: ${v8.writeHeapSnapshot(values.snapshot)}`);
  });
  await env.teardown();
  report(results);
}

function report(results: Step[]): void {
  const first = results[0]!;
  const last = results.at(-1)!;
  const perCase = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.round(((b - a) * 1024) / last.cached));
  process.stdout.write(
    [
      '| cached cases | heap used MiB | RSS MiB | native contexts | CPU ms per case opened |',
      '|---|---|---|---|---|',
      ...results.map((r) => `| ${r.cached} | ${r.heapUsedMiB} | ${r.rssMiB} | ${r.contexts} | ${r.cpuMsPerCase ?? '-'} |`),
      '',
      `Per cached case: heap ${perCase(first.heapUsedMiB, last.heapUsedMiB)} KiB, RSS ${perCase(first.rssMiB, last.rssMiB)} KiB`,
      '',
    ].join('\n'),
  );
}

main().catch((err) => {
  progress(`worker-memory failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});

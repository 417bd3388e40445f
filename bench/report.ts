import { cpus, totalmem } from 'node:os';

import type { Params } from './flags';
import type { CpuRole, CpuSample } from './process-cpu';
import { CPU_ROLE_NAMES } from './process-cpu';
import type { ServerRequests } from './server-requests';
import type { Percentiles } from './stats';
import { roundTo } from './stats';

/** What `npm run bench` writes to `bench/results/<time>.json`; the Markdown table is made from it. */
export interface BenchResult {
  at: string;
  machine: Machine;
  stack: StackInfo;
  params: Params;
  /** The write phases; absent from a `--read-only` run. */
  baseline?: BaselineResult;
  reunify?: ReunifyResult;
  probe?: ProbeResult;
  capacity?: CapacityResult;
  readPath: ReadPathResult;
  /** The first 20 failed requests. */
  failures: string[];
  totalSeconds: number;
}

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
}

export interface StackInfo {
  workerMaxCachedWorkflows: number;
  worker: string;
  temporal: string;
  database: 'embedded' | 'server';
  codec: string;
}

/** A no-op Workflow Update: one at a time, and `concurrency` at a time. */
export interface BaselineResult {
  sequentialMs: Percentiles;
  concurrentMs: Percentiles;
  /** The concurrent p50 of each pass (before the lifecycles, after them): how steady the baseline was. */
  concurrentP50ByPass: number[];
  /** CPU each process spent per Update while they ran at the lifecycles' concurrency (Linux only). */
  cpuPerUpdateMs?: CpuSample;
  /** What the Updates asked of the Temporal server, per Update (the dev server the benchmark started). */
  serverRequestsPerUpdate?: ServerRequests;
}

export interface ReunifyResult {
  lifecycles: number;
  completedLifecycles: number;
  failedRequests: number;
  seconds: number;
  lifecyclesPerSecond: number;
  transitionsPerSecond: number;
  transitionMs: Percentiles;
  ratioToBaselineP50: number;
  ratioToSequentialBaselineP50: number;
  byEvent: Record<string, Percentiles>;
  /** CPU each process spent per transition while the lifecycles ran (Linux only). */
  cpuPerTransitionMs?: CpuSample;
  /** What the lifecycles asked of the Temporal server, per transition (the dev server the benchmark started). */
  serverRequestsPerTransition?: ServerRequests;
}

/** One Update at a time: the baseline, a case straight to Temporal and a case over HTTP. */
export type ProbeMeasure = 'baselineAtRest' | 'directAtRest' | 'httpAtRest' | 'directBackToBack' | 'httpBackToBack';
export type ProbeResult = Record<ProbeMeasure, Percentiles>;

export type CapacityResult = { skipped: true } | Capacity;

/** GET /cases and GET /alerts with `casesInDatabase` cases: one at a time, then `concurrency` at a time, overall and per shape. */
export interface ReadPathResult {
  casesInDatabase: number;
  transitionsInDatabase: number;
  alertsInDatabase: number;
  /** What the read path wrote through the activities to reach `casesInDatabase`. */
  written: { cases: number; transitions: number; alerts: number };
  requests: number;
  ms: Percentiles;
  byShape: Record<string, Percentiles>;
  concurrency: number;
  concurrentMs: Percentiles;
  concurrentByShape: Record<string, Percentiles>;
  /** CPU this process (the API and the client that loads it) spent a request, one at a time: what load does not change. */
  cpuMsPerRequest: number;
}

export interface Capacity {
  openCases: number;
  /** Until every case was open and in the read model. */
  openSeconds: number;
  opensPerSecond: number;
  openLatencyMs: Percentiles;
  windowSeconds: number;
  escalationsDue: number;
  escalationsDuePerSecond: number;
  escalationsFired: number;
  escalationsMeasured: number;
  timerLatenessMs: Percentiles;
  lateOver1s: number;
  memoryWithOpenCases: Memory;
}

/** MiB; null where not measured (no worker process, or an external Temporal server). */
export interface Memory {
  workerProcessRssMiB: number | null;
  workerProcessRssAfterTimersMiB: number | null;
  processRssMiB: number | null;
  processHeapUsedMiB: number | null;
  processRssAfterTimersMiB: number | null;
  devServerRssMiB: number | null;
}

export function machine(): Machine {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

type Row = [measure: string, value: string, goal: string];

const ratio = (x: number, to: number): number => roundTo(x / to, 2);

export function markdown(r: BenchResult): string {
  const { reunify, baseline, probe, capacity } = r;
  const rows = [
    ...(reunify && baseline ? throughputRows(reunify, baseline, r.params) : []),
    ...(probe && baseline ? probeRows(probe, baseline) : []),
    ...(!capacity || 'skipped' in capacity ? [] : capacityRows(capacity)),
    ...readPathRows(r.readPath),
  ];
  return [
    `## Reunify benchmark, ${r.at}`,
    '',
    `Machine: ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}. Stack: ${r.stack.temporal}, ${r.stack.database}, codec ${r.stack.codec}.`,
    `Parameters: ${JSON.stringify(r.params)}.`,
    '',
    '| measure | value | goal |',
    '|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ].join('\n');
}

/**
 * Issue 18's P2: lifecycles a second against what raw Updates allow, that is the baseline's
 * Updates a second at the same concurrency (callers / p50) over the transitions of a lifecycle.
 */
function lifecyclesAgainstRaw(reunify: ReunifyResult, baseline: BaselineResult, params: BenchResult['params']): number {
  const transitionsPerLifecycle = reunify.transitionsPerSecond / reunify.lifecyclesPerSecond;
  const rawLifecyclesPerSecond = (params.concurrency * 1000) / baseline.concurrentMs.p50 / transitionsPerLifecycle;
  return ratio(reunify.lifecyclesPerSecond, rawLifecyclesPerSecond);
}

function throughputRows(reunify: ReunifyResult, baseline: BaselineResult, params: BenchResult['params']): Row[] {
  return [
    [
      'transition latency p50 / p95 / p99',
      `${reunify.transitionMs.p50} / ${reunify.transitionMs.p95} / ${reunify.transitionMs.p99} ms`,
      '',
    ],
    [
      'baseline Update p50 (same concurrency / sequential; same concurrency before and after the lifecycles)',
      `${baseline.concurrentMs.p50} / ${baseline.sequentialMs.p50} ms; ${baseline.concurrentP50ByPass.join(' and ')} ms`,
      '',
    ],
    [
      'ratio to baseline p50 (same concurrency / sequential)',
      `${reunify.ratioToBaselineP50} / ${reunify.ratioToSequentialBaselineP50}`,
      'goal ≤ 1.3',
    ],
    ['ratio to baseline p99 (same concurrency)', `${ratio(reunify.transitionMs.p99, baseline.concurrentMs.p99)}`, 'goal ≤ 1.5'],
    ['lifecycles per second', `${reunify.lifecyclesPerSecond}`, 'goal ≥ 10 on two cores'],
    ['lifecycles per second against what raw Updates allow', `${lifecyclesAgainstRaw(reunify, baseline, params)}`, 'goal ≥ 0.6'],
    ['transitions per second', `${reunify.transitionsPerSecond}`, ''],
    ['failed requests', `${reunify.failedRequests}`, ''],
    ...cpuRows(reunify.cpuPerTransitionMs, baseline.cpuPerUpdateMs),
    ...serverRequestRows(reunify.serverRequestsPerTransition, baseline.serverRequestsPerUpdate),
  ];
}

/** What a transition asks of the Temporal server beside a raw Update, operation by operation. */
function serverRequestRows(transition: ServerRequests | undefined, update: ServerRequests | undefined): Row[] {
  if (!transition || !update) return [];
  const operations = [...new Set([...Object.keys(transition.frontend), ...Object.keys(update.frontend)])].sort(
    (a, b) => (transition.frontend[b] ?? 0) - (transition.frontend[a] ?? 0),
  );
  const sum = (r: ServerRequests) =>
    roundTo(
      Object.values(r.frontend).reduce((a, b) => a + b, 0),
      2,
    );
  return [
    [
      'Temporal server requests per transition / per raw Update (frontend; persistence)',
      `${sum(transition)} / ${sum(update)}; ${transition.persistence} / ${update.persistence}`,
      '',
    ],
    ...operations.map((op): Row => [`  ${op}`, `${transition.frontend[op] ?? 0} / ${update.frontend[op] ?? 0}`, '']),
  ];
}

/** Where a transition's CPU goes, process by process, beside a raw Update's: what P1 and P2 are made of. */
function cpuRows(transition: CpuSample | undefined, update: CpuSample | undefined): Row[] {
  if (!transition || !update) return [];
  const total = (s: CpuSample) =>
    roundTo(
      Object.values(s).reduce((a, b) => a + b, 0),
      2,
    );
  const roles = (Object.keys(CPU_ROLE_NAMES) as CpuRole[]).filter((role) => transition[role] > 0 || update[role] > 0);
  return [
    [
      'CPU per transition / per raw Update, all processes',
      `${total(transition)} / ${total(update)} ms`,
      `ratio ${ratio(total(transition), total(update))}`,
    ],
    ...roles.map((role): Row => [`  ${CPU_ROLE_NAMES[role]}`, `${transition[role]} / ${update[role]} ms`, '']),
  ];
}

function probeRows(probe: ProbeResult, baseline: BaselineResult): Row[] {
  const backToBackBaseline = baseline.sequentialMs.p50;
  return [
    [
      'one Update at rest: baseline / case straight to Temporal / case over HTTP (p50)',
      `${probe.baselineAtRest.p50} / ${probe.directAtRest.p50} / ${probe.httpAtRest.p50} ms`,
      `ratio ${ratio(probe.directAtRest.p50, probe.baselineAtRest.p50)} / ${ratio(probe.httpAtRest.p50, probe.baselineAtRest.p50)}`,
    ],
    [
      'one Update back to back: baseline / case straight to Temporal / case over HTTP (p50)',
      `${backToBackBaseline} / ${probe.directBackToBack.p50} / ${probe.httpBackToBack.p50} ms`,
      `ratio ${ratio(probe.directBackToBack.p50, backToBackBaseline)} / ${ratio(probe.httpBackToBack.p50, backToBackBaseline)}`,
    ],
  ];
}

function capacityRows(cap: Capacity): Row[] {
  const lateness = cap.timerLatenessMs;
  return [
    ['open cases', `${cap.openCases} (opened at ${cap.opensPerSecond}/s)`, 'goal 10,000'],
    ...memoryRows(cap.memoryWithOpenCases),
    [
      'escalations due in the window / fired / measured',
      `${cap.escalationsDue} (${cap.escalationsDuePerSecond}/s over ${cap.windowSeconds} s) / ${cap.escalationsFired} / ${cap.escalationsMeasured}`,
      '',
    ],
    [
      'escalation lateness p50 / p95 / p99 / max',
      `${lateness.p50} / ${lateness.p95} / ${lateness.p99} / ${lateness.max} ms (${cap.lateOver1s} over 1 s)`,
      'goal ≤ 1000 ms',
    ],
  ];
}

function memoryRows(memory: Memory): Row[] {
  const devServer: Row = ['dev server RSS', memory.devServerRssMiB === null ? 'n/a' : `${memory.devServerRssMiB} MiB`, ''];
  if (memory.workerProcessRssMiB === null) {
    return [
      [
        'process RSS with open cases (worker + API + load, one process)',
        `${memory.processRssMiB} MiB (${memory.processRssAfterTimersMiB} after the timers)`,
        'goal: worker < 1.5 GB',
      ],
      devServer,
    ];
  }
  return [
    [
      'worker process RSS with open cases',
      `${memory.workerProcessRssMiB} MiB (${memory.workerProcessRssAfterTimersMiB} after the timers)`,
      'goal < 1.5 GB',
    ],
    ['API + load process RSS', `${memory.processRssMiB} MiB`, ''],
    devServer,
  ];
}

function readPathRows(read: ReadPathResult): Row[] {
  const ms = (p: Percentiles) => `${p.p50} / ${p.p95} / ${p.p99}`;
  if (read.requests === 0) return [['read path', 'not measured (--read-requests 0)', '']];
  return [
    [
      `read path (GET /cases, /alerts) p50 / p95 / p99 / max, one at a time: ${read.casesInDatabase} cases, ${read.transitionsInDatabase} transitions, ${read.alertsInDatabase} alerts (${read.requests} requests)`,
      `${ms(read.ms)} / ${read.ms.max} ms`,
      'goal p99 ≤ 50 ms with 10,000 cases',
    ],
    ['read path: CPU of the API and its client a request (the database server not counted)', `${read.cpuMsPerRequest} ms`, ''],
    [`read path, ${read.concurrency} at a time`, `${ms(read.concurrentMs)} / ${read.concurrentMs.max} ms`, 'goal p99 ≤ 50 ms'],
    ...Object.entries(read.byShape).map(([shape, one]): Row => [
      `  ${shape}: p50 / p95 / p99 (one at a time; ${read.concurrency} at a time)`,
      `${ms(one)}; ${ms(read.concurrentByShape[shape]!)} ms`,
      '',
    ]),
  ];
}

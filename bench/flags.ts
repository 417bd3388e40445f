import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** The size of a run. */
export interface Params {
  cases: number;
  concurrency: number;
  openCases: number;
  openConcurrency: number;
  timerSeconds: number;
  duePerSecond: number;
  baseline: number;
  durationSeconds: number;
  /** Cases in the database while the read path (GET /cases) is measured. */
  readCases: number;
  /** Read-path requests timed, one at a time and again at `readConcurrency` at a time. */
  readRequests: number;
  readConcurrency: number;
}

export interface Flags {
  params: Params;
  /** Where the JSON and Markdown results go. */
  out: string;
  smoke: boolean;
  /** Payloads in the clear, to measure what encryption costs (never in production). */
  noCodec: boolean;
  /** The case worker in the benchmark's process rather than its own. */
  oneProcess: boolean;
  /** Only the read path, on a read model the activities fill: no case worker, no workflows. */
  readOnly: boolean;
  /** Writes the plan (EXPLAIN ANALYZE, BUFFERS) of every read shape's SQL beside the results. */
  explain: boolean;
  /** Writes a CPU profile of the read path's concurrent pass beside the results. */
  cpuProfile: boolean;
  /** Profiles the case worker's process and its workflow threads for the whole run. */
  workerProfile: boolean;
}

export const HELP = `npm run bench -- [options]   (README, "Benchmark": what each phase measures)

  --cases N             Full lifecycles timed (default 200)
  --concurrency N       Clients at once for them (default 16)
  --baseline N          Raw no-op Updates for the baseline (default 300)
  --open-cases N        Cases left open with their timers (default 10000)
  --open-concurrency N  Clients opening them (default 32)
  --timer-seconds N     Window over which escalations fall due (default 120)
  --due-per-second N    Escalations due a second in that window (default 10)
  --read-cases N        Cases in the database for the read path (default 10000)
  --read-requests N     Read-path requests timed (GET /cases and /alerts; default 4000)
  --read-concurrency N  Clients at once for the read path's second pass (default 4)
  --read-only           Only the read path: fills the read model through the projection
                        and alert activities (no workflows), then times every list shape
  --explain             Also writes each read shape's query plans (EXPLAIN ANALYZE, BUFFERS)
  --cpu-profile         Also profiles the read path's concurrent pass (.cpuprofile and a summary)
  --worker-profile      Also profiles the case worker's process and its workflow threads, the
                        whole run (a .cpuprofile and a summary each, in <results>-worker-profile/)
  --duration N          Seconds of sustained load after the lifecycles (default 0)
  --out DIR             Where results go (default bench/results)
  --smoke               Under a minute, what CI runs
  --no-codec            Payloads in the clear, to measure what encryption costs
  --one-process         The worker in the benchmark's process, not its own
  --help
`;

/** A flag the benchmark does not know, or a bad count: said with the usage. */
export class FlagError extends Error {
  override readonly name = 'FlagError';
}

/** `--smoke`: under a minute, what CI runs. */
const SMOKE: Params = {
  cases: 6,
  concurrency: 3,
  openCases: 40,
  openConcurrency: 8,
  timerSeconds: 8,
  duePerSecond: 2,
  baseline: 30,
  durationSeconds: 0,
  readCases: 300,
  readRequests: 78,
  readConcurrency: 2,
};

const OPTIONS = {
  cases: { type: 'string', default: '200' },
  concurrency: { type: 'string', default: '16' },
  'open-cases': { type: 'string', default: '10000' },
  'open-concurrency': { type: 'string', default: '32' },
  'timer-seconds': { type: 'string', default: '120' },
  baseline: { type: 'string', default: '300' },
  duration: { type: 'string', default: '0' },
  'read-cases': { type: 'string', default: '10000' },
  'read-requests': { type: 'string', default: '4000' },
  'read-concurrency': { type: 'string', default: '4' },
  'read-only': { type: 'boolean', default: false },
  explain: { type: 'boolean', default: false },
  'cpu-profile': { type: 'boolean', default: false },
  'worker-profile': { type: 'boolean', default: false },
  out: { type: 'string', default: join(__dirname, 'results') },
  'due-per-second': { type: 'string', default: '10' },
  smoke: { type: 'boolean', default: false },
  'no-codec': { type: 'boolean', default: false },
  'one-process': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

type CountFlag = Exclude<
  keyof typeof OPTIONS,
  'out' | 'smoke' | 'no-codec' | 'one-process' | 'read-only' | 'explain' | 'cpu-profile' | 'worker-profile' | 'help'
>;

/** The run's flags, or null for --help. */
export function parseFlags(args: string[]): Flags | null {
  let values;
  try {
    ({ values } = parseArgs({ args, options: OPTIONS }));
  } catch (err) {
    throw new FlagError(`${(err as Error).message}\n\n${HELP}`);
  }
  if (values.help) return null;
  const count = (name: CountFlag, min = 0): number => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new FlagError(`--${name} must be a whole number of at least ${min}, not ${values[name]}`);
    return n;
  };
  const params = values.smoke
    ? SMOKE
    : {
        cases: count('cases', 1),
        concurrency: count('concurrency', 1),
        openCases: count('open-cases'),
        openConcurrency: count('open-concurrency', 1),
        timerSeconds: count('timer-seconds', 2),
        duePerSecond: count('due-per-second', 1),
        baseline: count('baseline', 1),
        durationSeconds: count('duration'),
        readCases: count('read-cases'),
        readRequests: count('read-requests'),
        readConcurrency: count('read-concurrency', 1),
      };
  if (values['worker-profile'] && (values['one-process'] || values['no-codec'] || values['read-only'])) {
    throw new FlagError(
      '--worker-profile profiles the case worker in its own process: leave out --one-process, --no-codec and --read-only',
    );
  }
  return {
    params,
    out: values.out,
    smoke: values.smoke,
    noCodec: values['no-codec'],
    oneProcess: values['one-process'],
    readOnly: values['read-only'],
    explain: values.explain,
    cpuProfile: values['cpu-profile'],
    workerProfile: values['worker-profile'],
  };
}

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
};

const OPTIONS = {
  cases: { type: 'string', default: '200' },
  concurrency: { type: 'string', default: '16' },
  'open-cases': { type: 'string', default: '10000' },
  'open-concurrency': { type: 'string', default: '32' },
  'timer-seconds': { type: 'string', default: '120' },
  baseline: { type: 'string', default: '300' },
  duration: { type: 'string', default: '0' },
  out: { type: 'string', default: join(__dirname, 'results') },
  'due-per-second': { type: 'string', default: '10' },
  smoke: { type: 'boolean', default: false },
  'no-codec': { type: 'boolean', default: false },
  'one-process': { type: 'boolean', default: false },
} as const;

type CountFlag = Exclude<keyof typeof OPTIONS, 'out' | 'smoke' | 'no-codec' | 'one-process'>;

export function parseFlags(args: string[]): Flags {
  const { values } = parseArgs({ args, options: OPTIONS });
  const count = (name: CountFlag, min = 0): number => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}, not ${values[name]}`);
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
      };
  return { params, out: values.out, smoke: values.smoke, noCodec: values['no-codec'], oneProcess: values['one-process'] };
}

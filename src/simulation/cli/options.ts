import { parseArgs } from 'node:util';

import { profileAt } from '../../domain/policy';
import type { SimulationRequest } from '../engine/scenario';
import { SimulationRequestSchema } from '../engine/scenario';
import type { ArrivalSource } from '../hhs/arrivals';
import { dailyArrivals } from '../hhs/arrivals';
import { monthRegime } from '../hhs/regime';
import type { HhsSeries } from '../hhs/series';
import { addDays } from '../hhs/series';
import { staySegments } from '../hhs/stays';
import { UsageError, parseDistribution, parseNamedDistribution, parsePairs, parseWhatIf, toNumber, whatIfLabel } from './specs';

/** The command line of `npm run simulate`, turned into a request the engine validates (zod). */

const multiple = { type: 'string', multiple: true } as const;
const text = { type: 'string' } as const;
const flag = { type: 'boolean' } as const;

export const SIMULATE_OPTIONS = {
  scenario: text,
  regime: text,
  start: text,
  days: text,
  'arrival-rate': text,
  seasonality: text,
  'arrivals-file': text,
  'arrivals-source': text,
  'initial-in-care': text,
  categories: text,
  ages: text,
  mix: text,
  process: text,
  stage: multiple,
  check: multiple,
  'category-stage': multiple,
  'category-check': multiple,
  durations: text,
  'fit-from-db': flag,
  'length-of-care': text,
  'length-of-care-from-data': flag,
  profile: text,
  targets: text,
  'target-stay': text,
  'case-managers': text,
  'funded-beds': text,
  'what-if': multiple,
  'what-if-label': text,
  runs: text,
  seed: text,
  sample: text,
  workers: text,
  out: text,
  json: flag,
  help: flag,
} as const;

export type SimulateValues = ReturnType<typeof parseArgs<{ options: typeof SIMULATE_OPTIONS }>>['values'];

export function parseSimulateArgs(argv: string[]): SimulateValues {
  try {
    return parseArgs({ args: argv, options: SIMULATE_OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}. See --help.`);
  }
}

/** What the builder may read: files, and the HHS series. */
export interface OptionsIo {
  readText(path: string): string;
  series(path: string | undefined): HhsSeries;
}

type Draft = { scenario: Record<string, unknown>; [key: string]: unknown };
type Scenario = Record<string, unknown>;

const obj = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});

function readJson(io: OptionsIo, path: string, flagName: string): unknown {
  try {
    return JSON.parse(io.readText(path));
  } catch (err) {
    throw new UsageError(`${flagName}: cannot read ${path} as JSON: ${(err as Error).message}`);
  }
}

function applyRegime(s: Scenario, v: SimulateValues, io: OptionsIo): void {
  if (!v.regime) return;
  const regime = monthRegime(io.series(v['arrivals-file']), v.regime, (v['arrivals-source'] ?? 'auto') as ArrivalSource);
  s.start = v.start ?? `${v.regime}-01`;
  s.label ??= `${v.regime} regime`;
  s.arrivals = { kind: 'rate', perDay: Math.round(regime.arrivalsPerDay * 10) / 10 };
  s.lengthOfCare = [{ from: s.start, meanDays: Math.round(regime.meanStayDays * 10) / 10 }];
  s.initialInCare = regime.steadyInCare;
  s.profile = profileAt(`${v.regime}-01`).id;
}

function applyArrivals(s: Scenario, v: SimulateValues, io: OptionsIo): void {
  if (v['arrival-rate'] !== undefined) s.arrivals = { kind: 'rate', perDay: toNumber(v['arrival-rate'], '--arrival-rate') };
  if (v.seasonality !== undefined) {
    const [amplitude, peak] = v.seasonality.split(':').map((x) => toNumber(x, '--seasonality'));
    if (obj(s.arrivals).kind !== 'rate') throw new UsageError('--seasonality goes with --arrival-rate (or --regime)');
    s.arrivals = { ...obj(s.arrivals), seasonality: { amplitude, peakDayOfYear: peak } };
  }
  const start = s.start as string | undefined;
  const needsFile = v['arrivals-file'] !== undefined || v['arrivals-source'] !== undefined;
  if (needsFile && !v.regime && v['arrival-rate'] === undefined) {
    if (!start) throw new UsageError('--arrivals-file needs --start');
    const last = addDays(start, Number(s.days) - 1);
    const series = dailyArrivals(io.series(v['arrivals-file']), start, last, (v['arrivals-source'] ?? 'auto') as ArrivalSource);
    s.arrivals = {
      kind: 'series',
      perDay: series.perDay,
      source: `${v['arrivals-file'] ?? 'hhs-uc-daily.csv'} (${v['arrivals-source'] ?? 'auto'})`,
    };
  }
  const initial = v['initial-in-care'];
  if (initial === 'observed') {
    if (!start) throw new UsageError('--initial-in-care observed needs --start');
    s.initialInCare = io.series(v['arrivals-file']).around(start).before.hhs_in_care;
  } else if (initial !== undefined) s.initialInCare = toNumber(initial, '--initial-in-care');
}

function applyMix(s: Scenario, v: SimulateValues): void {
  const mix = obj(s.mix);
  if (v.categories)
    mix.categories = Object.fromEntries(parsePairs(v.categories, '--categories').map(([k, x]) => [k, toNumber(x, '--categories')]));
  if (v.ages) mix.ageYears = v.ages.split(',').map((x) => toNumber(x, '--ages'));
  if (v.mix) for (const [k, x] of parsePairs(v.mix, '--mix')) mix[k] = toNumber(x, '--mix');
  s.mix = mix;
  const process = obj(s.process);
  if (v.process) {
    for (const [k, x] of parsePairs(v.process, '--process'))
      process[k] = k === 'departureAfter' ? parseDistribution(x, '--process departureAfter') : toNumber(x, '--process');
  }
  s.process = process;
}

function applyDurations(s: Scenario, v: SimulateValues, io: OptionsIo): void {
  const d = v.durations ? obj(readJson(io, v.durations, '--durations')) : obj(s.durations);
  const stages = obj(d.stages);
  const checks = obj(d.checks);
  const byCategory = obj(d.byCategory);
  for (const spec of v.stage ?? []) Object.assign(stages, Object.fromEntries([parseNamedDistribution(spec, '--stage')]));
  for (const spec of v.check ?? []) Object.assign(checks, Object.fromEntries([parseNamedDistribution(spec, '--check')]));
  for (const [flagName, key] of [
    ['category-stage', 'stages'],
    ['category-check', 'checks'],
  ] as const) {
    for (const spec of v[flagName] ?? []) {
      const colon = spec.indexOf(':');
      if (colon <= 0) throw new UsageError(`--${flagName}: "${spec}" is not CATEGORY:NAME=DIST`);
      const category = obj(byCategory[spec.slice(0, colon)]);
      category[key] = { ...obj(category[key]), ...Object.fromEntries([parseNamedDistribution(spec.slice(colon + 1), `--${flagName}`)]) };
      byCategory[spec.slice(0, colon)] = category;
    }
  }
  s.durations = { ...d, stages, checks, byCategory };
}

function applyLengthOfCare(s: Scenario, v: SimulateValues, io: OptionsIo): void {
  const spec = v['length-of-care'];
  if (spec !== undefined) {
    s.lengthOfCare = spec.includes('=')
      ? parsePairs(spec, '--length-of-care').map(([from, days]) => ({ from, meanDays: toNumber(days, '--length-of-care') }))
      : [{ from: s.start, meanDays: toNumber(spec, '--length-of-care') }];
  }
  if (!v['length-of-care-from-data']) return;
  const start = String(s.start);
  const source = (v['arrivals-source'] ?? 'auto') as ArrivalSource;
  const to = addDays(start, Number(s.days) - 1);
  s.lengthOfCare = staySegments(io.series(v['arrivals-file']), {
    from: start,
    to,
    start,
    estimate: 'balanced',
    granularity: 'month',
    source,
  });
}

function applyPolicy(s: Scenario, v: SimulateValues, io: OptionsIo): void {
  if (v.profile) s.profile = v.profile;
  if (v.targets) s.targets = readJson(io, v.targets, '--targets');
  if (v['target-stay']) {
    if (!s.targets)
      throw new UsageError(
        '--target-stay changes the targets of --targets or of the scenario file; give one of them, or use the defaults with --targets',
      );
    s.targets = {
      ...obj(s.targets),
      lengthOfStayDays: Object.fromEntries(
        parsePairs(v['target-stay'], '--target-stay').map(([k, x]) => [k, toNumber(x, '--target-stay')]),
      ),
    };
  }
  if (v['case-managers'] !== undefined) s.caseManagers = toNumber(v['case-managers'], '--case-managers');
  if (v['funded-beds'] !== undefined) s.fundedBeds = toNumber(v['funded-beds'], '--funded-beds');
  if (s.caseManagers === undefined) throw new UsageError('--case-managers is required: the case managers sharing the open cases');
  if (s.fundedBeds === undefined) throw new UsageError('--funded-beds is required: the funded beds to compare children in care against');
}

function applyRuns(draft: Draft, v: SimulateValues): void {
  const specs = v['what-if'] ?? [];
  if (specs.length > 0) draft.whatIf = { label: v['what-if-label'] ?? whatIfLabel(specs), changes: specs.map(parseWhatIf) };
  else if (v['what-if-label']) throw new UsageError('--what-if-label names a --what-if; give one');
  if (v.runs !== undefined) draft.runs = toNumber(v.runs, '--runs');
  if (v.seed !== undefined) draft.seed = toNumber(v.seed, '--seed');
  if (v.sample !== undefined) draft.sample = toNumber(v.sample, '--sample');
}

/** Builds and validates the request; a bad value is an error naming its field. */
export function buildRequest(v: SimulateValues, io: OptionsIo): SimulationRequest {
  const draft: Draft = v.scenario ? (obj(readJson(io, v.scenario, '--scenario')) as Draft) : { scenario: {} };
  const s = (draft.scenario = obj(draft.scenario));
  applyRegime(s, v, io);
  if (v.start) s.start = v.start;
  if (v.days) s.days = toNumber(v.days, '--days');
  s.days ??= 365;
  applyArrivals(s, v, io);
  applyMix(s, v);
  applyDurations(s, v, io);
  applyLengthOfCare(s, v, io);
  applyPolicy(s, v, io);
  applyRuns(draft, v);
  const parsed = SimulationRequestSchema.safeParse(draft);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(request)'}: ${i.message}`);
  throw new UsageError(`The simulation request is not valid:\n${lines.join('\n')}`);
}

import type { Distribution } from '../engine/distributions';
import type { WhatIfChange } from '../engine/scenario';

/**
 * The small text formats of the command line: distributions (`lognormal:7:0.8`), key=value lists
 * (`1=0.4,2A=0.15`) and what-if changes (`category=1,mean-stay=7`). Each parser throws a UsageError
 * that names the flag and what it expected; zod then checks the values themselves.
 */

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `lognormal:MEAN:CV`, `gamma:MEAN:CV`, `exponential:MEAN`, `fixed:DAYS`, `uniform:MIN:MAX`. */
export function parseDistribution(spec: string, flag: string): Distribution {
  const [kind, ...rest] = spec.split(':');
  const numbers = rest.map(Number);
  const bad = () =>
    new UsageError(
      `${flag}: "${spec}" is not a distribution; use lognormal:MEAN:CV, gamma:MEAN:CV, exponential:MEAN, fixed:DAYS or uniform:MIN:MAX`,
    );
  if (numbers.some((n) => !Number.isFinite(n))) throw bad();
  const [a, b] = numbers;
  if ((kind === 'lognormal' || kind === 'gamma') && numbers.length === 2) return { kind, mean: a!, cv: b! };
  if (kind === 'exponential' && numbers.length === 1) return { kind, mean: a! };
  if (kind === 'fixed' && numbers.length === 1) return { kind, days: a! };
  if (kind === 'uniform' && numbers.length === 2) return { kind, min: a!, max: b! };
  throw bad();
}

/** `a=1,b=2` to pairs, in order. */
export function parsePairs(spec: string, flag: string): [string, string][] {
  return spec
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const at = part.indexOf('=');
      if (at <= 0) throw new UsageError(`${flag}: "${part}" is not KEY=VALUE`);
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()];
    });
}

export function toNumber(value: string, flag: string): number {
  const n = Number(value);
  if (value === '' || !Number.isFinite(n)) throw new UsageError(`${flag}: "${value}" is not a number`);
  return n;
}

/** `KEY=VALUE` where VALUE is a distribution, for the stage and check flags. */
export function parseNamedDistribution(spec: string, flag: string): [string, Distribution] {
  const [[name, dist]] = parsePairs(spec, flag) as [[string, string]];
  return [name, parseDistribution(dist, flag)];
}

const list = (value: string | undefined): string[] | undefined => value?.split('+').map((s) => s.trim());

/**
 * One what-if change: `category=1,mean-stay=7`, `category=1,scale=0.5`, `checks=fbi_fingerprint,add=3`,
 * `stages=home_study+application,scale=0.8`, `profile=fg26-2025`, `case-managers=700`, `funded-beds=9000`.
 */
export function parseWhatIf(spec: string): WhatIfChange {
  const flag = '--what-if';
  const pairs = Object.fromEntries(parsePairs(spec, flag));
  const selection = { category: pairs.category, stages: list(pairs.stages), checks: list(pairs.checks) };
  const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  if (pairs['mean-stay'] !== undefined)
    return { change: 'mean_stay', category: pairs.category, days: toNumber(pairs['mean-stay'], flag) } as WhatIfChange;
  if (pairs.scale !== undefined)
    return defined({ change: 'scale_durations', ...selection, factor: toNumber(pairs.scale, flag) }) as WhatIfChange;
  if (pairs.add !== undefined) return defined({ change: 'add_days', ...selection, days: toNumber(pairs.add, flag) }) as WhatIfChange;
  if (pairs.profile !== undefined) return { change: 'profile', profile: pairs.profile };
  if (pairs['case-managers'] !== undefined) return { change: 'case_managers', count: toNumber(pairs['case-managers'], flag) };
  if (pairs['funded-beds'] !== undefined) return { change: 'funded_beds', count: toNumber(pairs['funded-beds'], flag) };
  throw new UsageError(`${flag}: "${spec}" names no change; use mean-stay=, scale=, add=, profile=, case-managers= or funded-beds=`);
}

/** A readable label for a what-if built from its specs. */
export const whatIfLabel = (specs: readonly string[]): string => specs.join('; ');

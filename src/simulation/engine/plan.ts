import type { Check } from '../../contracts/case-events';
import { CHECKS } from '../../contracts/case-events';
import { DEFAULT_BY_CATEGORY, DEFAULT_CHECK_DAYS, DEFAULT_STAGE_DAYS } from './defaults';
import type { Distribution } from './distributions';
import { sample } from './distributions';
import type { Rng } from './rng';
import type { CategoryKey, Scenario, Stage, WhatIf } from './scenario';
import { CATEGORY_KEYS, IN_CARE_STAGES } from './scenario';

/**
 * A scenario resolved into what the engine samples from: one duration table per category, the
 * what-if adjustments, and the factors that calibrate the length of care. Plain data, so that it
 * crosses to worker threads as it is.
 */

export const DAY_MS = 86_400_000;

export interface DurationTable {
  stages: Record<Stage, Distribution>;
  checks: Record<Check, Distribution>;
}

/** A what-if adjustment of one stage or check: days × scale + add. */
export interface Adjust {
  scale: number;
  add: number;
}

export interface CategoryAdjust {
  stages: Partial<Record<Stage, Adjust>>;
  checks: Partial<Record<Check, Adjust>>;
}

export interface Plan {
  scenario: Scenario;
  startMs: number;
  tables: Record<CategoryKey, DurationTable>;
  /** Applies to stages entered on or after the start: a what-if takes effect on the start date. */
  adjust: Record<CategoryKey, CategoryAdjust>;
  /** In-care work runs at 1/factor[i] of the calibrated pace from fromMs[i] on (the first segment also before it). */
  regime: { fromMs: number[]; factor: number[] };
  /** From a what-if's `mean_stay`: in-care stages of the category, from the start on. */
  categoryFactor: Record<CategoryKey, number>;
}

export const dateMs = (isoDate: string): number => Date.parse(`${isoDate}T00:00:00.000Z`);

function tableFor(scenario: Scenario, category: CategoryKey): DurationTable {
  const d = scenario.durations;
  const builtIn = d.inheritDefaults ? DEFAULT_BY_CATEGORY[category]?.stages : undefined;
  return {
    stages: { ...DEFAULT_STAGE_DAYS, ...builtIn, ...d.stages, ...d.byCategory[category]?.stages },
    checks: { ...DEFAULT_CHECK_DAYS, ...d.checks, ...d.byCategory[category]?.checks },
  };
}

const byCategory = <T>(make: (category: CategoryKey) => T): Record<CategoryKey, T> =>
  Object.fromEntries(CATEGORY_KEYS.map((c) => [c, make(c)])) as Record<CategoryKey, T>;

/** The base plan: no adjustments, no calibration yet (factor 1 everywhere). */
export function basePlan(scenario: Scenario): Plan {
  const startMs = dateMs(scenario.start);
  return {
    scenario,
    startMs,
    tables: byCategory((c) => tableFor(scenario, c)),
    adjust: byCategory(() => ({ stages: {}, checks: {} })),
    regime: { fromMs: [startMs], factor: [1] },
    categoryFactor: byCategory(() => 1),
  };
}

/** The scenario fields a change sets (none for the duration changes). */
function scenarioFields(change: WhatIf['changes'][number]): Partial<Scenario> {
  switch (change.change) {
    case 'profile':
      return { profile: change.profile };
    case 'targets':
      return { targets: change.targets };
    case 'case_managers':
      return { caseManagers: change.count };
    case 'funded_beds':
      return { fundedBeds: change.count };
    default:
      return {};
  }
}

/**
 * The what-if's scenario and adjustments on top of a calibrated base (its regime is kept). A
 * `mean_stay` is calibrated afterwards (calibrate.ts), once the other changes are in place.
 */
export function whatIfPlan(base: Plan, whatIf: WhatIf): Plan {
  let scenario: Scenario = { ...base.scenario, label: whatIf.label };
  const adjust = byCategory((c) => structuredClone(base.adjust[c]));
  for (const change of whatIf.changes) {
    scenario = { ...scenario, ...scenarioFields(change) };
    if (change.change === 'scale_durations' || change.change === 'add_days') applyAdjust(adjust, change);
  }
  return { ...base, scenario, adjust };
}

type DurationChange = Extract<WhatIf['changes'][number], { change: 'scale_durations' | 'add_days' }>;

function applyAdjust(adjust: Record<CategoryKey, CategoryAdjust>, change: DurationChange): void {
  const all = !change.stages && !change.checks;
  const stages: readonly Stage[] = change.stages ?? (all ? IN_CARE_STAGES : []);
  const checks: readonly Check[] = change.checks ?? (all ? CHECKS : []);
  const categories = change.category ? [change.category] : CATEGORY_KEYS;
  const apply = (current: Adjust | undefined): Adjust => {
    const a = current ?? { scale: 1, add: 0 };
    return change.change === 'scale_durations'
      ? { scale: a.scale * change.factor, add: a.add * change.factor }
      : { ...a, add: a.add + change.days };
  };
  for (const c of categories) {
    for (const s of stages) adjust[c].stages[s] = apply(adjust[c].stages[s]);
    for (const k of checks) adjust[c].checks[k] = apply(adjust[c].checks[k]);
  }
}

/**
 * Calendar days that `workDays` of in-care work started at `atMs` takes under the regime. Within a
 * segment the work runs 1/factor as fast; a change of regime slows or speeds the stages already
 * under way, as a new rule or a new backlog does, not only the stages entered after it.
 */
export function regimeDays(plan: Plan, atMs: number, workDays: number): number {
  const { fromMs, factor } = plan.regime;
  let i = 0;
  while (i + 1 < fromMs.length && fromMs[i + 1]! <= atMs) i += 1;
  let now = atMs;
  let work = workDays;
  for (; i + 1 < fromMs.length; i += 1) {
    const capacity = (fromMs[i + 1]! - now) / DAY_MS / factor[i]!;
    if (work <= capacity) break;
    work -= capacity;
    now = fromMs[i + 1]!;
  }
  return (now - atMs) / DAY_MS + work * factor[i]!;
}

/**
 * Calendar days of a stage or check begun at `atMs`: the sampled days, times the what-if's category
 * factor and scale, run through the regime, plus the what-if's added days (calendar days: "results
 * take 3 more days"). What-if changes apply from the start date on.
 */
function inCareDays(plan: Plan, category: CategoryKey, sampled: number, adjust: Adjust | undefined, atMs: number): number {
  const changed = atMs >= plan.startMs;
  const work = changed ? sampled * plan.categoryFactor[category] * (adjust?.scale ?? 1) : sampled;
  return Math.max(0, regimeDays(plan, atMs, work) + (changed ? (adjust?.add ?? 0) : 0));
}

/** Days a stage entered at `atMs` takes, for a child of the category. */
export function stageDays(plan: Plan, category: CategoryKey, stage: Stage, rng: Rng, atMs: number): number {
  const sampled = sample(plan.tables[category].stages[stage], rng);
  const adjust = plan.adjust[category].stages[stage];
  // The follow-up call comes after discharge: neither the length-of-care regime nor the category factor moves it.
  if (stage === 'released') return Math.max(0, atMs >= plan.startMs && adjust ? sampled * adjust.scale + adjust.add : sampled);
  return inCareDays(plan, category, sampled, adjust, atMs);
}

/** Days a check that became pending at `atMs` takes to come back. */
export function checkDays(plan: Plan, category: CategoryKey, check: Check, rng: Rng, atMs: number): number {
  return inCareDays(plan, category, sample(plan.tables[category].checks[check], rng), plan.adjust[category].checks[check], atMs);
}

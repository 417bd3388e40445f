import { CHECKS } from '../../contracts/case-events';
import type { CaseStatus } from '../../contracts/case-status';
import type { Distribution } from './distributions';
import type { CategoryKey, Durations, Stage } from './scenario';

/**
 * Stage durations fitted from the read model's transitions (`case_transitions`): for every visit
 * to a stage that ended with the step that normally ends it, the time spent there; for vetting, the
 * time from entering it to each check result (pooled over checks: the read model does not keep
 * which check an event was about) and from the last result to COMPLETE_VETTING. Each set of
 * durations becomes a lognormal with the mean and spread of its logarithms. A visit cut short by an
 * exit (a departure, an age-out, a withdrawal outside the application) or still under way is left
 * out: counting it would make the stage look faster than it is.
 */

export interface TransitionRow {
  caseId: string;
  seq: number;
  event: string;
  toStatus: string;
  atMs: number;
}

/** Events that end a visit to each stage the way the simulator ends it. */
const ENDS: Partial<Record<CaseStatus, readonly string[]>> = {
  intake: ['COMPLETE_INTAKE'],
  sponsor_identification: ['IDENTIFY_SPONSOR', 'NO_VIABLE_SPONSOR'],
  no_viable_sponsor: ['IDENTIFY_SPONSOR'],
  application: ['COMPLETE_ASSESSMENT', 'SPONSOR_WITHDREW'],
  vetting: ['COMPLETE_VETTING'],
  home_study: ['COMPLETE_HOME_STUDY'],
  recommendation: ['RECOMMEND_RELEASE', 'REQUEST_HOME_STUDY'],
  third_party_review: ['REVIEW_CASE'],
  release_decision: ['DECIDE_RELEASE'],
  release_approved: ['RELEASE_CHILD'],
  released: ['COMPLETE_FOLLOW_UP'],
};
const CHECK_EVENTS = new Set(['CLEAR_CHECK', 'FLAG_CHECK']);
const DAY_MS = 86_400_000;
/** Durations are floored at a minute: a zero has no logarithm. */
const FLOOR_DAYS = 1 / 1440;

type Samples = Map<string, number[]>;

const push = (samples: Samples, key: string, days: number) => {
  const list = samples.get(key) ?? [];
  list.push(Math.max(FLOOR_DAYS, days));
  samples.set(key, list);
};

/** The durations of one case's visits, keyed `stage` or `check`. */
function caseSamples(rows: readonly TransitionRow[], into: Samples): void {
  let enteredAt = rows[0]?.atMs ?? 0;
  let lastResultAt = enteredAt;
  for (let i = 1; i < rows.length; i += 1) {
    const [prev, row] = [rows[i - 1]!, rows[i]!];
    const status = prev.toStatus as CaseStatus;
    if (status === 'vetting' && CHECK_EVENTS.has(row.event)) {
      push(into, 'check', (row.atMs - enteredAt) / DAY_MS);
      lastResultAt = row.atMs;
      continue;
    }
    if (row.toStatus === status && row.event === 'TRANSFER_CARE_PROVIDER') continue;
    if (ENDS[status]?.includes(row.event)) {
      const from = status === 'vetting' ? lastResultAt : enteredAt;
      push(into, status, (row.atMs - from) / DAY_MS);
    }
    enteredAt = row.atMs;
    lastResultAt = row.atMs;
  }
}

export function lognormalFit(values: readonly number[]): Distribution {
  const logs = values.map(Math.log);
  const mu = logs.reduce((a, b) => a + b, 0) / logs.length;
  const variance = logs.length > 1 ? logs.reduce((a, b) => a + (b - mu) ** 2, 0) / (logs.length - 1) : 0;
  return { kind: 'lognormal', mean: Math.exp(mu + variance / 2), cv: Math.sqrt(Math.exp(variance) - 1) };
}

export interface DurationFit {
  durations: Durations;
  /** Visits measured, per stage (and `check`), overall and by category. */
  samples: Record<string, number>;
  samplesByCategory: Partial<Record<CategoryKey, Record<string, number>>>;
  cases: number;
}

function toTables(samples: Samples, minSamples: number) {
  const stages: Partial<Record<Stage, Distribution>> = {};
  let check: Distribution | undefined;
  const counts: Record<string, number> = {};
  for (const [key, values] of samples) {
    counts[key] = values.length;
    if (values.length < minSamples) continue;
    if (key === 'check') check = lognormalFit(values);
    else stages[key as Stage] = lognormalFit(values);
  }
  const checks = check ? Object.fromEntries(CHECKS.map((c) => [c, check])) : {};
  return { stages, checks, counts };
}

/**
 * Fits stage durations from transitions (any order) and each case's sponsor category (null: none
 * yet). A stage with fewer than `minSamples` visits keeps the built-in default.
 */
export function fitDurations(rows: readonly TransitionRow[], categories: ReadonlyMap<string, string | null>, minSamples = 20): DurationFit {
  const byCase = new Map<string, TransitionRow[]>();
  for (const row of rows) (byCase.get(row.caseId) ?? byCase.set(row.caseId, []).get(row.caseId)!).push(row);
  const all: Samples = new Map();
  const perCategory = new Map<CategoryKey, Samples>();
  for (const [caseId, list] of byCase) {
    list.sort((a, b) => a.seq - b.seq);
    caseSamples(list, all);
    const category = categories.get(caseId) as CategoryKey | null | undefined;
    if (category) caseSamples(list, perCategory.get(category) ?? perCategory.set(category, new Map()).get(category)!);
  }
  const overall = toTables(all, minSamples);
  const byCategory: Durations['byCategory'] = {};
  const samplesByCategory: DurationFit['samplesByCategory'] = {};
  for (const [category, samples] of perCategory) {
    const fitted = toTables(samples, minSamples);
    byCategory[category] = { stages: fitted.stages, checks: fitted.checks };
    samplesByCategory[category] = fitted.counts;
  }
  return {
    durations: { stages: overall.stages, checks: overall.checks, byCategory, inheritDefaults: false },
    samples: overall.counts,
    samplesByCategory,
    cases: byCase.size,
  };
}

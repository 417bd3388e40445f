import type { Alert } from '../../contracts/alerts';
import type { ChildObserver, ChildOutcome } from './child';
import { DAY_MS } from './plan';
import type { CategoryKey } from './scenario';
import { CATEGORY_KEYS } from './scenario';

/**
 * What a batch of simulated children adds up to over the period, per day. Tallies of separate
 * batches add up (children do not interact), so workers each tally a slice and the totals merge.
 */

export const ALERT_SERIES = ['warning', 'escalation_supervisor', 'escalation_program_lead'] as const;
export type AlertSeries = (typeof ALERT_SERIES)[number];

export interface Tally {
  days: number;
  children: number;
  /** Machine transitions applied (for speed figures). */
  events: number;
  alertsFired: number;
  /** Initial children who could not be placed in care at the start (their replayed stay ended first). */
  initialMissed: number;
  arrivals: number[];
  /** +1 on the day a child is admitted (day 0 for those already in care), -1 on the day they leave. */
  inCareDelta: number[];
  /** The same for open cases: admitted until the case closes (after the follow-up call). */
  openDelta: number[];
  discharges: number[];
  /** ALERT_SERIES.length blocks of `days`: alerts fired each day. */
  alerts: number[];
  /** Days in care of the children discharged during the period, by planned category. */
  stays: Record<CategoryKey, number[]>;
  /** Days in care of Category 1 children released (not aged out or departed) during the period. */
  category1Released: number[];
}

export function emptyTally(days: number): Tally {
  return {
    days,
    children: 0,
    events: 0,
    alertsFired: 0,
    initialMissed: 0,
    arrivals: new Array<number>(days).fill(0),
    inCareDelta: new Array<number>(days + 1).fill(0),
    openDelta: new Array<number>(days + 1).fill(0),
    discharges: new Array<number>(days).fill(0),
    alerts: new Array<number>(ALERT_SERIES.length * days).fill(0),
    stays: Object.fromEntries(CATEGORY_KEYS.map((c) => [c, [] as number[]])) as Record<CategoryKey, number[]>,
    category1Released: [],
  };
}

const dayIndex = (startMs: number, ms: number): number => Math.floor((ms - startMs) / DAY_MS);

function seriesOf(alert: Alert): number {
  if (alert.kind === 'warning') return 0;
  return alert.level === 'supervisor' ? 1 : 2;
}

/** An observer that counts each fired alert on the day it fires, within the period. */
export function alertCounter(tally: Tally, startMs: number): Required<Pick<ChildObserver, 'alert'>> {
  return {
    alert(alert, atMs) {
      tally.alertsFired += 1;
      const day = dayIndex(startMs, atMs);
      if (day >= 0 && day < tally.days) tally.alerts[seriesOf(alert) * tally.days + day]! += 1;
    },
  };
}

/** Adds one child's stay to the tally. `initial`: in care when the period starts. */
export function recordChild(tally: Tally, startMs: number, outcome: ChildOutcome, initial: boolean): void {
  tally.children += 1;
  tally.events += outcome.events;
  const admitted = initial ? 0 : dayIndex(startMs, outcome.admittedMs);
  if (!initial) tally.arrivals[admitted]! += 1;
  tally.inCareDelta[admitted]! += 1;
  tally.openDelta[admitted]! += 1;
  if (outcome.closedMs !== null) tally.openDelta[Math.min(tally.days, dayIndex(startMs, outcome.closedMs))]! -= 1;
  if (outcome.dischargedMs === null) return;
  const left = dayIndex(startMs, outcome.dischargedMs);
  tally.inCareDelta[Math.min(tally.days, left)]! -= 1;
  if (left >= tally.days) return;
  tally.discharges[left]! += 1;
  const stay = (outcome.dischargedMs - outcome.admittedMs) / DAY_MS;
  tally.stays[outcome.category].push(stay);
  if (outcome.category === '1' && outcome.exit === 'released') tally.category1Released.push(stay);
}

/** Adds a case released before the period and still awaiting its follow-up call: open, not in care. */
export function recordAwaiting(tally: Tally, startMs: number, outcome: ChildOutcome): void {
  tally.children += 1;
  tally.events += outcome.events;
  tally.openDelta[0]! += 1;
  if (outcome.closedMs !== null) tally.openDelta[Math.min(tally.days, dayIndex(startMs, outcome.closedMs))]! -= 1;
}

const addInto = (into: number[], from: readonly number[]): void => {
  for (let i = 0; i < from.length; i += 1) into[i]! += from[i]!;
};

/** Sums tallies of the same period. */
export function mergeTallies(days: number, tallies: readonly Tally[]): Tally {
  const total = emptyTally(days);
  for (const t of tallies) {
    total.children += t.children;
    total.events += t.events;
    total.alertsFired += t.alertsFired;
    total.initialMissed += t.initialMissed;
    addInto(total.arrivals, t.arrivals);
    addInto(total.inCareDelta, t.inCareDelta);
    addInto(total.openDelta, t.openDelta);
    addInto(total.discharges, t.discharges);
    addInto(total.alerts, t.alerts);
    for (const c of CATEGORY_KEYS) for (const s of t.stays[c]) total.stays[c].push(s);
    for (const s of t.category1Released) total.category1Released.push(s);
  }
  return total;
}

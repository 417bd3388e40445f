/**
 * Demo cases for `npm run seed:demo`: a few hundred children admitted over the last months, each
 * driven through the real statechart (every event checked with the same evaluation the workflow
 * applies) with durations drawn around the timings of shared/domain/release-policy.md. Each life is
 * cut at now: what happened by then is the case's history; a case not closed by then is open, at
 * whatever stage it stands. Seeded, so a seed makes the same cases.
 */
import type { SponsorCategory } from '../../src/contracts/case-events';
import type { HistoricalEvent } from '../../src/contracts/case-input';
import type { ImportCase } from '../../src/contracts/imports';
import type { Actor } from '../../src/contracts/roles';
import { checkStatuses, evaluateEvent, openCaseSnapshot } from '../../src/machines/case-logic';
import type { CaseSnapshot } from '../../src/machines/case-status';
import { toCaseStatus } from '../../src/machines/case-status';

const DAY = 86_400_000;
export const DEMO_PROVIDERS = ['shelter-tx-07', 'shelter-az-02', 'shelter-ca-11', 'shelter-il-03'] as const;
const COORDINATOR: Actor = { id: 'cc-dana', role: 'case_coordinator' };
const REVIEWER: Actor = { id: 'ffs-ben', role: 'orr_reviewer' };

/** mulberry32: a small seeded generator, so that a seed always makes the same cases. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

class Draw {
  constructor(private readonly random: () => number) {}
  uniform = (): number => this.random();
  chance = (p: number): boolean => this.random() < p;
  pick = <T>(items: readonly T[]): T => items[Math.floor(this.random() * items.length)]!;
  /** Days around a median, log-normally spread (most near it, a long tail). */
  days(median: number, spread = 0.5): number {
    const normal = Math.sqrt(-2 * Math.log(1 - this.random())) * Math.cos(2 * Math.PI * this.random());
    return median * Math.exp(spread * normal);
  }
  category(): SponsorCategory | '4' {
    const r = this.random();
    return r < 0.45 ? '1' : r < 0.65 ? '2A' : r < 0.83 ? '2B' : r < 0.95 ? '3' : '4';
  }
}

/** Stage medians in days, from the domain timings (Category 1 quicker, as its targets ask). */
const MEDIAN = { intake: 0.6, sponsor: 2.5, application: 4.5, vetting: 3.5, homeStudy: 9, review: 1.2, release: 0.8 };

interface Life {
  draw: Draw;
  snapshot: CaseSnapshot;
  at: number;
  now: number;
  events: HistoricalEvent[];
  manager: Actor;
  /** When the child turns 18 (epoch ms). */
  adultAt: number;
  once: Set<string>;
}

/** An event as the demo writes it: the case manager acts unless another actor is named. */
type DemoEvent = HistoricalEvent['event'] extends infer E ? (E extends unknown ? Omit<E, 'actor'> & { actor?: Actor } : never) : never;

/** Applies an event `afterDays` on; false once the life has reached now (the case stays open there). */
function step(life: Life, afterDays: number, event: DemoEvent): boolean {
  const at = life.at + afterDays * DAY;
  if (at > life.now) return false;
  // The 18th birthday comes first: the child ages out of ORR care.
  if (at >= life.adultAt && event.type !== 'AGE_OUT' && life.snapshot.matches('open')) {
    step(life, (life.adultAt - life.at) / DAY + 0.2, { type: 'AGE_OUT' });
    return false;
  }
  const full = { actor: life.manager, ...event } as HistoricalEvent['event'];
  const outcome = evaluateEvent(life.snapshot, full, new Date(at).toISOString());
  if (!outcome.accepted) throw new Error(`demo history refused ${full.type} in ${toCaseStatus(life.snapshot)}: ${outcome.refusal.message}`);
  life.snapshot = outcome.next;
  life.at = at;
  life.events.push({ at: new Date(at).toISOString(), event: full });
  return true;
}

const sponsorOf = (category: SponsorCategory, draw: Draw) => ({
  category,
  related: category === '3' ? draw.chance(0.6) : true,
  presentsRisk: draw.chance(0.03),
  sponsoredBefore: false,
  seekingMultiple: false,
});

/** One stage's next event; false when the life stops (now reached, or the case closed). */
function next(life: Life, plan: { category: SponsorCategory | '4'; fast: number }): boolean {
  const { draw } = life;
  const status = toCaseStatus(life.snapshot);
  const d = (median: number, spread?: number) => draw.days(median * plan.fast, spread);
  switch (status) {
    case 'intake':
      return step(life, d(MEDIAN.intake), { type: 'COMPLETE_INTAKE' });
    case 'sponsor_identification':
      if (plan.category === '4' && !life.once.has('cat4')) {
        life.once.add('cat4');
        return step(life, d(6), { type: 'NO_VIABLE_SPONSOR', reason: 'No relative or other adult reached is able to sponsor' });
      }
      return step(life, d(MEDIAN.sponsor * (plan.category === '1' ? 1 : 1.6)), {
        type: 'IDENTIFY_SPONSOR',
        sponsor: sponsorOf(plan.category === '4' ? '3' : plan.category, draw),
        reason: 'Sponsor located and interviewed',
      });
    case 'no_viable_sponsor':
      return step(life, d(45, 0.6), { type: 'IDENTIFY_SPONSOR', sponsor: sponsorOf('3', draw), reason: 'A family friend came forward' });
    case 'application':
      if (!life.once.has('withdrew') && draw.chance(0.05)) {
        life.once.add('withdrew');
        return step(life, d(3), { type: 'SPONSOR_WITHDREW', reason: 'The sponsor withdrew the application' });
      }
      return step(life, d(MEDIAN.application), { type: 'COMPLETE_ASSESSMENT' });
    case 'vetting':
      return vettingStep(life, d);
    case 'home_study':
      return step(life, d(MEDIAN.homeStudy, 0.4), {
        type: 'COMPLETE_HOME_STUDY',
        outcome: 'favourable',
        reason: 'Home visit done; safe home',
      });
    case 'recommendation':
      return step(life, d(MEDIAN.review), {
        type: 'RECOMMEND_RELEASE',
        recommendation: draw.chance(0.8) ? 'release' : 'release_with_services',
      });
    case 'third_party_review':
      return step(life, d(MEDIAN.review * 1.3), { type: 'REVIEW_CASE', recommendation: 'approve', actor: COORDINATOR });
    case 'release_decision':
      return decisionStep(life, d);
    case 'release_approved':
      return step(life, d(MEDIAN.release), { type: 'RELEASE_CHILD' });
    case 'released':
      return step(life, 30 + draw.days(1.5, 0.8), { type: 'COMPLETE_FOLLOW_UP' });
    default:
      return false;
  }
}

function vettingStep(life: Life, d: (median: number, spread?: number) => number): boolean {
  const pending = Object.entries(checkStatuses(life.snapshot) ?? {}).filter(([, s]) => s === 'pending');
  if (pending.length === 0) return step(life, d(0.4), { type: 'COMPLETE_VETTING' });
  const [check] = life.draw.pick(pending);
  const share = d(MEDIAN.vetting) / 5;
  if (!life.once.has('flag') && life.draw.chance(0.03)) {
    life.once.add('flag');
    return step(life, share, {
      type: 'FLAG_CHECK',
      check: check as 'identity',
      sponsorPresentsRisk: false,
      reason: 'Record found; reviewed, no danger to the child',
    });
  }
  return step(life, share, { type: 'CLEAR_CHECK', check: check as 'identity' });
}

function decisionStep(life: Life, d: (median: number, spread?: number) => number): boolean {
  const { draw } = life;
  if (!life.once.has('remand') && draw.chance(0.08)) {
    life.once.add('remand');
    return step(life, d(MEDIAN.review * 1.3), {
      type: 'DECIDE_RELEASE',
      decision: 'remand',
      remandTo: 'vetting',
      recheck: ['public_records'],
      reason: 'Public records result unclear: run it again',
      actor: REVIEWER,
    });
  }
  if (!life.once.has('deny') && draw.chance(0.03)) {
    life.once.add('deny');
    return step(life, d(MEDIAN.review * 1.3), {
      type: 'DECIDE_RELEASE',
      decision: 'deny',
      reason: 'Sponsor cannot provide for the child',
      actor: REVIEWER,
    });
  }
  return step(life, d(MEDIAN.review * 1.3), { type: 'DECIDE_RELEASE', decision: 'approve', actor: REVIEWER });
}

export interface DemoOptions {
  count: number;
  now: number;
  seed: number;
  /** Admissions spread over this many days before now. */
  days: number;
  prefix: string;
}

/** One child's case: drawn facts, then the life driven until it closes or reaches now. */
export function demoCase(index: number, options: DemoOptions, draw: Draw): ImportCase {
  const provider = draw.pick(DEMO_PROVIDERS);
  const manager: Actor = { id: `cm-${provider.split('-')[1]}-${draw.chance(0.5) ? 1 : 2}`, role: 'case_manager' };
  // Whole minutes, as a person would record them.
  const admitted = Math.round((options.now - draw.uniform() * options.days * DAY) / 60_000) * 60_000;
  // A few children are weeks from their 18th birthday when admitted.
  const age = draw.chance(0.04) ? 17.97 - draw.uniform() * 0.04 : 6 + draw.uniform() * 11;
  const born = new Date(admitted - age * 365.25 * DAY);
  const child = {
    birthDate: born.toISOString().slice(0, 10),
    traffickingVictim: false,
    disability: draw.chance(0.05),
    abuseVictim: draw.chance(0.03),
  };
  const snapshot = openCaseSnapshot({ caseId: 'demo', careProviderId: provider, admittedAt: new Date(admitted).toISOString(), child });
  const [y, m, dd] = child.birthDate.split('-').map(Number) as [number, number, number];
  const life: Life = {
    draw,
    snapshot,
    at: admitted,
    now: options.now,
    events: [],
    manager,
    adultAt: Date.UTC(y + 18, m - 1, dd),
    once: new Set(),
  };
  const category = draw.category();
  // Category 1 cases are the quickest: most near the 10-day target, as the expedited path allows.
  const plan = { category, fast: category === '1' ? 0.55 : 1 };
  const transferAt = draw.chance(0.06) ? 1 + Math.floor(draw.uniform() * 4) : -1;
  const departAt = draw.chance(0.02) ? 2 + Math.floor(draw.uniform() * 4) : -1;
  for (let n = 0; n < 60 && life.snapshot.status !== 'done'; n += 1) {
    if (n === transferAt && life.snapshot.matches('open')) {
      const to = draw.pick(DEMO_PROVIDERS.filter((p) => p !== life.snapshot.context.careProviderId));
      if (
        !step(life, 0.3, {
          type: 'TRANSFER_CARE_PROVIDER',
          toCareProviderId: to,
          reason: 'Bed space closer to the sponsor',
          actor: REVIEWER,
        })
      )
        break;
    }
    if (n === departAt && life.snapshot.matches('open')) {
      step(life, draw.days(2), { type: 'DEPART', departure: 'voluntary_departure', reason: 'The child chose to return home' });
      break;
    }
    if (!next(life, plan)) break;
  }
  return {
    caseId: `${options.prefix}-${String(index + 1).padStart(4, '0')}`,
    admittedAt: new Date(admitted).toISOString(),
    careProviderId: provider,
    child,
    openedBy: manager,
    events: life.events,
  };
}

export function demoCases(options: DemoOptions): ImportCase[] {
  const draw = new Draw(seededRandom(options.seed));
  return Array.from({ length: options.count }, (_, i) => demoCase(i, options, draw));
}

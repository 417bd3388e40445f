import type { Alert, AlertLevel, AlertRule } from '../contracts/alerts';
import { ALERT_LEVELS } from '../contracts/alerts';
import type { Check, SponsorCategory } from '../contracts/case-events';
import type { CaseStatus } from '../contracts/case-status';
import type { Deadline, DeadlineLevel, DeadlineSummary } from '../contracts/deadlines';
import type { StageTarget, Targets } from '../contracts/targets';
import { addBusinessDays, isoDate, localDateOf } from './business-days';

/**
 * Length-of-stay deadlines as pure functions of a case's clock and the targets: which alerts are
 * due now and when the next one is. The case workflow owns the timer (one, for the earliest
 * deadline) and recomputes after every transition, target change or acknowledgement, so a case that
 * moves on drops the old stage's deadlines and a changed target applies at once.
 */

const DAY_MS = 86_400_000;

export interface CaseClock {
  caseId: string;
  careProviderId: string;
  status: CaseStatus;
  admittedAt: string;
  birthDate: string;
  /** The current sponsor's category, else the last sponsor's (the stay is still measured against it). */
  category: SponsorCategory | null;
  releasedAt: string | null;
  /** Accepted transitions, oldest first (the opening included). */
  transitions: readonly { seq: number; toStatus: CaseStatus; at: string }[];
  /** Required results that expire, of the current sponsor and household, while a release waits on them. */
  expiringResults?: readonly { personId: string; check: Check; obtainedAt: string; expiresAt: string }[];
  /** Appeals whose receipt is not acknowledged yet, and within how many business days it must be. */
  appealsAwaitingAcknowledgement?: readonly { appealId: string; sponsorId: string; filedAt: string; businessDays: number }[];
  /** People whose fingerprints are required in vetting with no result and no appointment (added after vetting began: from then). */
  fingerprintsToSchedule?: readonly { personId: string; addedAt: string | null; businessDays: number }[];
  /** The post-18 plan is recorded: the age-out target has nothing left to ask for. */
  ageOutPlanRecorded?: boolean;
}

/** One target applied to one case: when it warns, when it escalates, how often it repeats. */
export interface Chain {
  key: string;
  rule: AlertRule;
  warnAt: number | null;
  escalateAt: number;
  repeatEveryMs: number | null;
  /** What is due, for people: "Length of stay, Category 1". */
  label: string;
  /** The target in words: "10 days from admission". */
  target: string;
  /** What is late, for people: "in care 10 days (Category 1 target)". */
  describe: (kind: 'warning' | 'escalation') => string;
}

export interface AlertLedger {
  /** Ids of every alert already fired. */
  fired: ReadonlySet<string>;
  /** Per chain, the levels someone acknowledged: no more repeats at those levels. */
  acknowledged: ReadonlyMap<string, ReadonlySet<AlertLevel>>;
}

const CLOSED_STATUSES: readonly CaseStatus[] = ['released', 'closed'];
const ms = (iso: string): number => new Date(iso).getTime();
const daysText = (d: number): string => `${Number(d.toFixed(2))} day${d === 1 ? '' : 's'}`;

/** When the case entered its current run of `statuses` (transfers within it included). */
function runEntry(clock: CaseClock, statuses: readonly CaseStatus[]): { seq: number; at: string } | null {
  let entry: { seq: number; at: string } | null = null;
  for (let i = clock.transitions.length - 1; i >= 0; i -= 1) {
    const t = clock.transitions[i]!;
    if (!statuses.includes(t.toStatus)) break;
    entry = { seq: t.seq, at: t.at };
  }
  return entry;
}

/** The 18th birthday, at midnight UTC. */
export function eighteenthBirthday(birthDate: string): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  return Date.UTC(y + 18, m - 1, d);
}

/** The targets that apply to the case as it stands. */
export function activeChains(clock: CaseClock, targets: Targets): Chain[] {
  const open = !CLOSED_STATUSES.includes(clock.status);
  return [
    ...(open && clock.category ? [lengthOfStayChain(clock, clock.category, targets)] : []),
    ...targets.stages.flatMap((stage) => stageChain(clock, stage, targets) ?? []),
    ...(open && !clock.ageOutPlanRecorded ? [ageOutChain(clock, targets)] : []),
    ...(clock.status === 'released' && clock.releasedAt ? [followUpChain(clock.releasedAt, targets)] : []),
    ...(clock.expiringResults ?? []).map((result) => resultExpiryChain(result, targets)),
    ...(clock.appealsAwaitingAcknowledgement ?? []).map((appeal) => appealAcknowledgementChain(appeal, targets)),
    ...fingerprintChains(clock, targets),
  ];
}

function lengthOfStayChain(clock: CaseClock, category: SponsorCategory, targets: Targets): Chain {
  const target = targets.lengthOfStayDays[category];
  const start = ms(clock.admittedAt);
  return {
    key: 'length_of_stay',
    rule: 'length_of_stay',
    warnAt: start + target * targets.warnAtFraction * DAY_MS,
    escalateAt: start + target * DAY_MS,
    repeatEveryMs: targets.repeatEveryDays * DAY_MS,
    label: `Length of stay, Category ${category}`,
    target: `${daysText(target)} from admission`,
    describe: (kind) =>
      `${kind === 'warning' ? 'Nearing' : 'Over'} the Category ${category} length-of-stay target of ${daysText(target)} from admission`,
  };
}

/** A stage target, while the case is in one of its stages. */
function stageChain(clock: CaseClock, stage: StageTarget, targets: Targets): Chain | null {
  if (!stage.statuses.includes(clock.status)) return null;
  const entry = runEntry(clock, stage.statuses);
  if (!entry) return null;
  // "From admission" counts the first time through; back again (a denial, a withdrawal) counts from then.
  const start = stage.from === 'admission' && entry.seq === 0 ? ms(clock.admittedAt) : ms(entry.at);
  return {
    key: `stage.${stage.name}.${entry.seq}`,
    rule: 'stage',
    warnAt: start + stage.days * targets.warnAtFraction * DAY_MS,
    escalateAt: start + stage.days * DAY_MS,
    repeatEveryMs: (stage.repeatEveryDays ?? targets.repeatEveryDays) * DAY_MS,
    label: `Stage: ${stage.name.replace(/_/g, ' ')}`,
    target: `${daysText(stage.days)} ${stage.from === 'admission' ? 'from admission' : 'in the stage'}`,
    describe: (kind) =>
      `${kind === 'warning' ? 'Nearing' : 'Over'} the ${stage.name.replace(/_/g, ' ')} target of ${daysText(stage.days)}${stage.from === 'admission' ? ' from admission' : ''}`,
  };
}

function ageOutChain(clock: CaseClock, targets: Targets): Chain {
  const birthday = eighteenthBirthday(clock.birthDate);
  const on = new Date(birthday).toISOString().slice(0, 10);
  return {
    key: 'age_out',
    rule: 'age_out',
    warnAt: birthday - targets.ageOutWarningDays * DAY_MS,
    escalateAt: birthday - targets.ageOutPlanDays * DAY_MS,
    repeatEveryMs: null,
    label: 'Age-out plan',
    target: `${daysText(targets.ageOutPlanDays)} before the 18th birthday (${on})`,
    describe: (kind) =>
      kind === 'warning'
        ? `The child turns 18 on ${on}: plan for age-out`
        : `The child turns 18 on ${on}: the post-18 plan is due now (${daysText(targets.ageOutPlanDays)} before)`,
  };
}

function followUpChain(releasedAt: string, targets: Targets): Chain {
  const released = ms(releasedAt);
  return {
    key: 'follow_up',
    rule: 'follow_up',
    warnAt: released + targets.followUpDueDays * DAY_MS,
    escalateAt: released + targets.followUpOverdueDays * DAY_MS,
    repeatEveryMs: targets.repeatEveryDays * DAY_MS,
    label: 'Follow-up call',
    target: `due ${daysText(targets.followUpDueDays)} after release, overdue after ${daysText(targets.followUpOverdueDays)}`,
    describe: (kind) =>
      kind === 'warning'
        ? `The post-release follow-up call is due (${daysText(targets.followUpDueDays)} after release)`
        : `The post-release follow-up call is overdue (${daysText(targets.followUpOverdueDays)} after release)`,
  };
}

function resultExpiryChain(result: NonNullable<CaseClock['expiringResults']>[number], targets: Targets): Chain {
  const expires = ms(result.expiresAt);
  const what = `The ${result.check} result of ${result.personId}`;
  return {
    // A renewed result is a new chain: the old one's alerts are resolved.
    key: `result.${result.personId}.${result.check}.${ms(result.obtainedAt)}`,
    rule: 'result_expiry',
    label: `Result expiry: ${result.check.replace(/_/g, ' ')}, ${result.personId}`,
    target: `valid until ${result.expiresAt.slice(0, 10)}`,
    warnAt: expires - targets.resultExpiryWarningDays * DAY_MS,
    escalateAt: expires,
    repeatEveryMs: targets.repeatEveryDays * DAY_MS,
    describe: (kind) =>
      kind === 'warning'
        ? `${what} expires on ${result.expiresAt.slice(0, 10)}: obtain a new one before the release`
        : `${what} expired on ${result.expiresAt.slice(0, 10)}: it counts as pending until a new one is entered`,
  };
}

/** A deadline of `days` business days from `from`, warned one business day before. */
function businessDayDeadline(from: string, days: number, targets: Targets): { warnAt: number | null; escalateAt: number; due: string } {
  const calendar = targets.businessCalendar;
  const escalateAt = addBusinessDays(ms(from), days, calendar);
  return {
    warnAt: days > 1 ? addBusinessDays(ms(from), days - 1, calendar) : null,
    escalateAt,
    // The last business day counted, in the calendar's time zone.
    due: isoDate(localDateOf(escalateAt - 1, calendar.timeZone)),
  };
}

function appealAcknowledgementChain(appeal: NonNullable<CaseClock['appealsAwaitingAcknowledgement']>[number], targets: Targets): Chain {
  const { warnAt, escalateAt, due } = businessDayDeadline(appeal.filedAt, appeal.businessDays, targets);
  return {
    key: `appeal.${appeal.appealId}.acknowledgement`,
    rule: 'appeal_acknowledgement',
    label: `Appeal ${appeal.appealId}: acknowledge receipt`,
    target: `${appeal.businessDays} business days after filing (by the end of ${due})`,
    warnAt,
    escalateAt,
    repeatEveryMs: targets.repeatEveryDays * DAY_MS,
    describe: (kind) =>
      `${kind === 'warning' ? 'Acknowledge receipt of' : 'Receipt not acknowledged for'} appeal ${appeal.appealId} (sponsor ${appeal.sponsorId}): due by the end of ${due}, ${appeal.businessDays} business days after filing`,
  };
}

/** Fingerprint appointments, while vetting runs: from vetting's start, or from a person's addition after it. */
function fingerprintChains(clock: CaseClock, targets: Targets): Chain[] {
  if (clock.status !== 'vetting' || !clock.fingerprintsToSchedule?.length) return [];
  const entry = runEntry(clock, ['vetting']);
  if (!entry) return [];
  return clock.fingerprintsToSchedule.map((person) => {
    const since = person.addedAt && ms(person.addedAt) > ms(entry.at) ? person.addedAt : entry.at;
    const { warnAt, escalateAt, due } = businessDayDeadline(since, person.businessDays, targets);
    return {
      key: `fingerprints.${person.personId}.${entry.seq}`,
      rule: 'fingerprint_appointment' as const,
      label: `Fingerprint appointment: ${person.personId}`,
      target: `${person.businessDays} business days after vetting began (by the end of ${due})`,
      warnAt,
      escalateAt,
      repeatEveryMs: targets.repeatEveryDays * DAY_MS,
      describe: (kind: 'warning' | 'escalation') =>
        `${kind === 'warning' ? 'Book' : 'No appointment booked for'} the fingerprints of ${person.personId}: due by the end of ${due}, ${person.businessDays} business days after vetting began`,
    };
  });
}

/** The targets that apply to the case as it stands, as people read them, soonest due first. */
export function activeDeadlines(clock: CaseClock, targets: Targets): Deadline[] {
  return activeChains(clock, targets)
    .map((chain) => ({
      key: chain.key,
      rule: chain.rule,
      label: chain.label,
      target: chain.target,
      // A warning at or after the due time never fires (see `schedule`): the deadline has none.
      warnAt: chain.warnAt !== null && chain.warnAt < chain.escalateAt ? new Date(chain.warnAt).toISOString() : null,
      dueAt: new Date(chain.escalateAt).toISOString(),
    }))
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.key.localeCompare(b.key));
}

/** Where a case stands against one deadline at `now` (epoch ms). */
export function deadlineLevel(deadline: Pick<Deadline, 'warnAt' | 'dueAt'>, now: number): DeadlineLevel {
  if (ms(deadline.dueAt) <= now) return 'breached';
  if (deadline.warnAt !== null && ms(deadline.warnAt) <= now) return 'at_risk';
  return 'on_track';
}

/** The earliest due time and the earliest warning (or due time, for a deadline without one) among the deadlines. */
export function deadlineSummary(deadlines: readonly Deadline[]): DeadlineSummary {
  const next = deadlines[0];
  const atRisk = deadlines.map((d) => d.warnAt ?? d.dueAt).sort()[0];
  return { nextDeadlineAt: next?.dueAt ?? null, nextDeadlineLabel: next?.label ?? null, atRiskAt: atRisk ?? null };
}

/** The worst level of a case's deadlines at `now`, from its summary alone; null when nothing is due. */
export function summaryLevel(summary: DeadlineSummary, now: number): DeadlineLevel | null {
  if (summary.nextDeadlineAt === null) return null;
  return deadlineLevel({ warnAt: summary.atRiskAt, dueAt: summary.nextDeadlineAt }, now);
}

/** The level of the n-th escalation of a chain: `repeatsPerLevel` repeats at a level, then the next. */
export function levelOf(repeat: number, repeatsPerLevel: number): AlertLevel {
  return ALERT_LEVELS[Math.min(Math.floor(repeat / (repeatsPerLevel + 1)), ALERT_LEVELS.length - 1)]!;
}

export const alertId = (caseId: string, chain: string, step: string): string => `${caseId}:${chain}:${step}`;

export interface Schedule {
  /** Alerts due now and not fired yet, oldest deadline first. */
  due: Alert[];
  /** The earliest deadline still ahead (epoch ms), or null when nothing is pending. */
  nextAt: number | null;
  /** The targets that apply now (chain keys): an open alert of any other is resolved. */
  active: string[];
}

/** One step of a chain as an alert fired at `now`. */
function alertOf(
  clock: CaseClock,
  chain: Chain,
  step: { kind: 'warning' | 'escalation'; repeat: number; level: AlertLevel; at: number },
  now: number,
): Alert {
  const { kind, repeat, level, at } = step;
  return {
    id: alertId(clock.caseId, chain.key, kind === 'warning' ? 'warning' : `escalation-${repeat}`),
    caseId: clock.caseId,
    careProviderId: clock.careProviderId,
    sponsorCategory: clock.category,
    rule: chain.rule,
    chain: chain.key,
    kind,
    repeat,
    level,
    dueAt: new Date(at).toISOString(),
    firedAt: new Date(now).toISOString(),
    message: `${clock.caseId}: ${chain.describe(kind)}${repeat > 0 ? ` (reminder ${repeat})` : ''}.`,
  };
}

/**
 * Alerts due at `now` and the next deadline. Of several repeats missed (no worker ran), only the
 * latest fires: a repeat is a reminder, and a burst of stale ones helps nobody. Warnings and first
 * escalations always fire, late or not.
 */
export function schedule(clock: CaseClock, targets: Targets, ledger: AlertLedger, now: number): Schedule {
  const due: Alert[] = [];
  let nextAt: number | null = null;
  const later = (at: number) => {
    if (nextAt === null || at < nextAt) nextAt = at;
  };
  // An alert is built (its times and message formatted) only once it is due and not fired: most
  // calls find every step fired or ahead, and the ledger needs only the id.
  const fired = (chain: Chain, step: string) => ledger.fired.has(alertId(clock.caseId, chain.key, step));
  const fire = (chain: Chain, kind: 'warning' | 'escalation', repeat: number, level: AlertLevel, at: number) =>
    due.push(alertOf(clock, chain, { kind, repeat, level, at }, now));

  const chains = activeChains(clock, targets);
  for (const chain of chains) {
    const acked = ledger.acknowledged.get(chain.key) ?? new Set<AlertLevel>();
    // A step already fired stays fired, even when a changed target moves its deadline.
    if (chain.warnAt !== null && chain.warnAt < chain.escalateAt && !fired(chain, 'warning')) {
      if (chain.warnAt > now) later(chain.warnAt);
      else fire(chain, 'warning', 0, 'supervisor', chain.warnAt);
    }
    const firstFired = fired(chain, 'escalation-0');
    if (chain.escalateAt > now) {
      if (!firstFired) later(chain.escalateAt);
      else if (chain.repeatEveryMs !== null) later(chain.escalateAt + chain.repeatEveryMs);
      continue;
    }
    if (!firstFired) fire(chain, 'escalation', 0, 'supervisor', chain.escalateAt);
    if (chain.repeatEveryMs === null) continue;
    // The latest repeat due now, and the next one not silenced by an acknowledgement.
    const latest = Math.floor((now - chain.escalateAt) / chain.repeatEveryMs);
    if (latest > 0) {
      const level = levelOf(latest, targets.repeatsPerLevel);
      if (!acked.has(level) && !fired(chain, `escalation-${latest}`)) {
        fire(chain, 'escalation', latest, level, chain.escalateAt + latest * chain.repeatEveryMs);
      }
    }
    for (let n = latest + 1; ; n += 1) {
      const level = levelOf(n, targets.repeatsPerLevel);
      if (acked.has(level)) {
        if (level === ALERT_LEVELS.at(-1)) break; // the top level acknowledged: nothing more to say
        continue;
      }
      later(chain.escalateAt + n * chain.repeatEveryMs);
      break;
    }
  }
  due.sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id));
  return { due, nextAt, active: chains.map((c) => c.key) };
}

import type { AlertLevel } from '../../../src/contracts/alerts';
import type { Targets } from '../../../src/contracts/targets';
import { DEFAULT_TARGETS, TargetsSchema } from '../../../src/contracts/targets';
import type { CaseClock } from '../../../src/domain/deadlines';
import {
  activeChains,
  activeDeadlines,
  deadlineLevel,
  deadlineSummary,
  eighteenthBirthday,
  levelOf,
  schedule,
  summaryLevel,
} from '../../../src/domain/deadlines';
import { DAY, at, clock, iso } from '../../helpers/case-clock';

/** Only the length-of-stay targets (no stage targets), to read its deadlines alone. */
const LOS_ONLY: Targets = { ...DEFAULT_TARGETS, stages: [] };
const none = { fired: new Set<string>(), acknowledged: new Map<string, Set<AlertLevel>>() };
const dueIds = (c: CaseClock, day: number, ledger = none, targets: Targets = DEFAULT_TARGETS) =>
  schedule(c, targets, ledger, at(day)).due.map((a) => a.id);

describe('length-of-stay deadlines', () => {
  it('the defaults validate, and Category 1 warns at day 7 and escalates at day 10', () => {
    expect(TargetsSchema.parse(DEFAULT_TARGETS)).toEqual(DEFAULT_TARGETS);
    const c = clock('vetting', 0);
    const losChain = activeChains(c, DEFAULT_TARGETS).find((ch) => ch.key === 'length_of_stay')!;
    expect(losChain.warnAt).toBe(at(7));
    expect(losChain.escalateAt).toBe(at(10));
  });

  it.each([
    ['1', 7, 10],
    ['2A', 9.8, 14],
    ['2B', 14.7, 21],
    ['3', 21, 30],
  ] as const)('Category %s: warning on day %s, escalation on day %s', (category, warn, escalate) => {
    const chain = activeChains(clock('application', 0, { category }), DEFAULT_TARGETS).find((c) => c.key === 'length_of_stay')!;
    expect(chain.warnAt).toBeCloseTo(at(warn), -3);
    expect(chain.escalateAt).toBe(at(escalate));
  });

  it('fires nothing before the warning, and says when the next deadline is', () => {
    const c = clock('release_decision', 6.5);
    const plan = schedule(c, LOS_ONLY, none, at(6.6));
    expect(plan.due).toEqual([]);
    expect(plan.nextAt).toBe(at(7));
  });

  it('warns, escalates, then repeats every 3 days, rising to the program lead after two repeats', () => {
    const c = clock('release_decision', 9.9);
    const los = (day: number, fired: string[] = []) =>
      dueIds(c, day, { fired: new Set(fired), acknowledged: new Map() }).filter((id) => id.includes('length_of_stay'));
    expect(los(7)).toEqual(['UC-T:length_of_stay:warning']);
    expect(los(10, ['UC-T:length_of_stay:warning'])).toEqual(['UC-T:length_of_stay:escalation-0']);
    const before = ['UC-T:length_of_stay:warning', 'UC-T:length_of_stay:escalation-0'];
    expect(los(13, before)).toEqual(['UC-T:length_of_stay:escalation-1']);
    const plan = schedule(
      c,
      LOS_ONLY,
      { fired: new Set([...before, 'UC-T:length_of_stay:escalation-1']), acknowledged: new Map() },
      at(13),
    );
    expect(plan.nextAt).toBe(at(16));
    expect([0, 1, 2, 3, 4].map((n) => levelOf(n, 2))).toEqual(['supervisor', 'supervisor', 'supervisor', 'program_lead', 'program_lead']);
    const third = schedule(c, DEFAULT_TARGETS, none, at(19)).due.find((a) => a.id === 'UC-T:length_of_stay:escalation-3')!;
    expect(third).toMatchObject({ level: 'program_lead', dueAt: iso(19), message: expect.stringContaining('reminder 3') });
  });

  it('of repeats missed while no worker ran, fires only the latest', () => {
    const fired = new Set(['UC-T:length_of_stay:warning', 'UC-T:length_of_stay:escalation-0']);
    const due = dueIds(clock('vetting', 0), 20, { fired, acknowledged: new Map() }).filter((id) => id.includes('length_of_stay'));
    expect(due).toEqual(['UC-T:length_of_stay:escalation-3']);
  });

  it('an acknowledgement silences repeats at its level; the next level still fires', () => {
    const fired = new Set(['UC-T:length_of_stay:warning', 'UC-T:length_of_stay:escalation-0']);
    const acknowledged = new Map([['length_of_stay', new Set<AlertLevel>(['supervisor'])]]);
    const plan = schedule(clock('vetting', 0), LOS_ONLY, { fired, acknowledged }, at(11));
    // Repeats 1 and 2 (days 13, 16) are the supervisor's: silenced. Repeat 3 (day 19) goes to the program lead.
    expect(plan.nextAt).toBe(at(19));
    const top = new Map([['length_of_stay', new Set<AlertLevel>(['supervisor', 'program_lead'])]]);
    const quiet = schedule(clock('vetting', 0), DEFAULT_TARGETS, { fired, acknowledged: top }, at(11));
    expect(quiet.due.filter((a) => a.rule === 'length_of_stay')).toEqual([]);
  });

  it('stops at release, and without a sponsor (Category 4 or none yet)', () => {
    expect(activeChains(clock('released', 9, { releasedAt: iso(9) }), DEFAULT_TARGETS).map((c) => c.key)).toEqual(['follow_up']);
    expect(activeChains(clock('no_viable_sponsor', 1, { category: null }), DEFAULT_TARGETS).map((c) => c.rule)).not.toContain(
      'length_of_stay',
    );
  });
});

describe('stage deadlines', () => {
  it('a stage over its target while the total is fine: vetting 5 days, Category 3 (30 days)', () => {
    const c = clock('vetting', 1, { category: '3' });
    const due = dueIds(c, 6.01);
    expect(due).toEqual(['UC-T:stage.vetting.1:warning', 'UC-T:stage.vetting.1:escalation-0']);
  });

  it('counts sponsor identification from admission across intake and identification', () => {
    const c: CaseClock = {
      ...clock('sponsor_identification', 1),
      category: null,
    };
    const chain = activeChains(c, DEFAULT_TARGETS).find((ch) => ch.rule === 'stage')!;
    expect(chain.key).toBe('stage.sponsor_identified.0');
    expect(chain.escalateAt).toBe(at(3));
  });

  it('back in sponsor identification (a denial, a withdrawal), the target counts from the return, not from admission', () => {
    const c: CaseClock = {
      ...clock('sponsor_identification', 12),
      transitions: [
        { seq: 0, toStatus: 'intake', at: iso(0) },
        { seq: 1, toStatus: 'sponsor_identification', at: iso(0.5) },
        { seq: 2, toStatus: 'application', at: iso(1) },
        { seq: 9, toStatus: 'sponsor_identification', at: iso(12) },
      ],
    };
    const chain = activeChains(c, DEFAULT_TARGETS).find((ch) => ch.rule === 'stage')!;
    expect(chain).toMatchObject({ key: 'stage.sponsor_identified.9', escalateAt: at(15) });
    expect(dueIds(c, 12.01).filter((id) => id.includes('stage'))).toEqual([]);
  });

  it('a new entry into a stage is a new target instance', () => {
    const c: CaseClock = {
      ...clock('vetting', 2),
      transitions: [
        { seq: 0, toStatus: 'intake', at: iso(0) },
        { seq: 4, toStatus: 'vetting', at: iso(1) },
        { seq: 9, toStatus: 'release_decision', at: iso(3) },
        { seq: 10, toStatus: 'vetting', at: iso(4) },
      ],
    };
    expect(activeChains(c, DEFAULT_TARGETS).find((ch) => ch.rule === 'stage')).toMatchObject({
      key: 'stage.vetting.10',
      escalateAt: at(9),
    });
  });

  it('Category 4 is reviewed every 30 days', () => {
    const c = clock('no_viable_sponsor', 2, { category: null });
    const chain = activeChains(c, DEFAULT_TARGETS).find((ch) => ch.rule === 'stage')!;
    expect([chain.escalateAt, chain.repeatEveryMs]).toEqual([at(32), 30 * DAY]);
  });
});

describe('age-out and follow-up', () => {
  it('warns 60 days before the 18th birthday and escalates at the 14-day plan deadline', () => {
    const c = clock('vetting', 0, { birthDate: '2009-02-20' });
    const birthday = eighteenthBirthday('2009-02-20');
    expect(birthday).toBe(Date.parse('2027-02-20T00:00:00Z'));
    const chain = activeChains(c, DEFAULT_TARGETS).find((ch) => ch.rule === 'age_out')!;
    expect([chain.warnAt, chain.escalateAt, chain.repeatEveryMs]).toEqual([birthday - 60 * DAY, birthday - 14 * DAY, null]);
  });

  it('the follow-up call is due 30 days after release and overdue after 37', () => {
    const c = clock('released', 9, { releasedAt: iso(9) });
    expect(dueIds(c, 39)).toEqual(['UC-T:follow_up:warning']);
    expect(dueIds(c, 46.5)).toEqual(['UC-T:follow_up:warning', 'UC-T:follow_up:escalation-0']);
  });

  it('a step already fired is not scheduled again when a target moves it later', () => {
    const fired = new Set(['UC-T:length_of_stay:warning', 'UC-T:length_of_stay:escalation-0']);
    const longer: Targets = { ...LOS_ONLY, lengthOfStayDays: { ...LOS_ONLY.lengthOfStayDays, '1': 20 } };
    const plan = schedule(clock('vetting', 0), longer, { fired, acknowledged: new Map() }, at(11));
    expect(plan.due).toEqual([]);
    // Not day 14 (the warning) nor day 20 (the escalation): both fired; next is the first repeat.
    expect(plan.nextAt).toBe(at(23));
  });

  it('a changed target applies at once: Category 1 at 20 days moves the warning to day 14', () => {
    const longer: Targets = { ...DEFAULT_TARGETS, lengthOfStayDays: { ...DEFAULT_TARGETS.lengthOfStayDays, '1': 20 } };
    const plan = schedule(clock('vetting', 0), longer, none, at(8));
    expect(plan.due.filter((a) => a.rule === 'length_of_stay')).toEqual([]);
    expect(activeChains(clock('vetting', 0), longer).find((c) => c.key === 'length_of_stay')!.warnAt).toBe(at(14));
  });
});

describe('deadlines of the release policy: results, appeals, fingerprints, the age-out plan', () => {
  const rulesOf = (c: CaseClock, rule: string) => activeChains(c, DEFAULT_TARGETS).filter((ch) => ch.rule === rule);

  it('a result that expires is warned 14 days before and escalated when it expires; a new result is a new target', () => {
    const expiring = { personId: 'hm-1', check: 'public_records' as const, obtainedAt: iso(0), expiresAt: iso(90) };
    const [chain] = rulesOf(clock('release_decision', 1, { expiringResults: [expiring] }), 'result_expiry');
    expect(chain).toMatchObject({ key: `result.hm-1.public_records.${at(0)}`, warnAt: at(76), escalateAt: at(90), repeatEveryMs: 3 * DAY });
    expect(chain!.describe('warning')).toBe('The public_records result of hm-1 expires on 2027-01-31: obtain a new one before the release');
    expect(chain!.describe('escalation')).toBe(
      'The public_records result of hm-1 expired on 2027-01-31: it counts as pending until a new one is entered',
    );
    const [renewed] = rulesOf(
      clock('release_decision', 1, { expiringResults: [{ ...expiring, obtainedAt: iso(85), expiresAt: iso(175) }] }),
      'result_expiry',
    );
    expect(renewed!.key).not.toBe(chain!.key);
  });

  it('an appeal filed on a Friday afternoon is acknowledged within 5 business days: Veterans Day skipped, due by the end of Monday 16 November', () => {
    const appeal = { appealId: 'ap-1', sponsorId: 'sp-1', filedAt: '2026-11-06T20:00:00.000Z', businessDays: 5 };
    const [chain] = rulesOf(clock('sponsor_identification', 4, { appealsAwaitingAcknowledgement: [appeal] }), 'appeal_acknowledgement');
    // Midnight in New York after the last business day counted (EST: 05:00 UTC).
    expect(new Date(chain!.escalateAt).toISOString()).toBe('2026-11-17T05:00:00.000Z');
    expect(new Date(chain!.warnAt!).toISOString()).toBe('2026-11-14T05:00:00.000Z');
    expect(chain!.describe('escalation')).toBe(
      'Receipt not acknowledged for appeal ap-1 (sponsor sp-1): due by the end of 2026-11-16, 5 business days after filing',
    );
    const plan = schedule(
      clock('sponsor_identification', 4, { appealsAwaitingAcknowledgement: [appeal] }),
      { ...DEFAULT_TARGETS, stages: [] },
      none,
      Date.parse('2026-11-17T05:00:00Z'),
    );
    expect(plan.due.map((a) => a.id).filter((id) => id.includes('appeal'))).toEqual([
      'UC-T:appeal.ap-1.acknowledgement:warning',
      'UC-T:appeal.ap-1.acknowledgement:escalation-0',
    ]);
  });

  it('fingerprint appointments: 3 business days from the start of vetting, or from an adult added later; only while vetting runs', () => {
    const entered = { seq: 1, toStatus: 'vetting' as const, at: '2026-11-06T20:00:00.000Z' };
    const inVetting = clock('vetting', 0, {
      transitions: [{ seq: 0, toStatus: 'intake', at: iso(0) }, entered],
      fingerprintsToSchedule: [
        { personId: 'sp-1', addedAt: null, businessDays: 3 },
        { personId: 'hm-1', addedAt: '2026-11-09T15:00:00.000Z', businessDays: 3 },
      ],
    });
    const chains = rulesOf(inVetting, 'fingerprint_appointment');
    expect(chains.map((c) => [c.key, new Date(c.warnAt!).toISOString(), new Date(c.escalateAt).toISOString()])).toEqual([
      // Friday evening: Monday, Tuesday, (Veterans Day), Thursday.
      ['fingerprints.sp-1.1', '2026-11-11T05:00:00.000Z', '2026-11-13T05:00:00.000Z'],
      // Added on Monday: Tuesday, (Veterans Day), Thursday, Friday.
      ['fingerprints.hm-1.1', '2026-11-13T05:00:00.000Z', '2026-11-14T05:00:00.000Z'],
    ]);
    expect(rulesOf({ ...inVetting, status: 'recommendation' }, 'fingerprint_appointment')).toEqual([]);
  });

  it('a business-day deadline follows the calendar in the targets: another time zone, another closure', () => {
    const appeal = { appealId: 'ap-1', sponsorId: 'sp-1', filedAt: '2026-11-06T20:00:00.000Z', businessDays: 1 };
    const utc = {
      ...DEFAULT_TARGETS,
      businessCalendar: { ...DEFAULT_TARGETS.businessCalendar, timeZone: 'UTC', closures: ['2026-11-09'] },
    };
    const [chain] = activeChains(clock('sponsor_identification', 4, { appealsAwaitingAcknowledgement: [appeal] }), utc).filter(
      (c) => c.rule === 'appeal_acknowledgement',
    );
    // One business day from a Friday, Monday closed: the end of Tuesday, in UTC; no warning for a one-day deadline.
    expect(new Date(chain!.escalateAt).toISOString()).toBe('2026-11-11T00:00:00.000Z');
    expect(chain!.warnAt).toBeNull();
  });

  it('the age-out target asks for nothing once the post-18 plan is recorded', () => {
    expect(rulesOf(clock('vetting', 1), 'age_out')).toHaveLength(1);
    expect(rulesOf(clock('vetting', 1, { ageOutPlanRecorded: true }), 'age_out')).toEqual([]);
  });
});

describe('deadlines at a glance', () => {
  it('lists every target that applies, soonest due first, with its label, target, warning and due time', () => {
    const deadlines = activeDeadlines(clock('vetting', 4), DEFAULT_TARGETS);
    expect(deadlines.map((d) => [d.key, d.label, d.target, d.warnAt, d.dueAt])).toEqual([
      ['stage.vetting.1', 'Stage: vetting', '5 days in the stage', new Date(at(4 + 3.5)).toISOString(), iso(9)],
      ['length_of_stay', 'Length of stay, Category 1', '10 days from admission', new Date(at(7)).toISOString(), iso(10)],
      ['age_out', 'Age-out plan', '14 days before the 18th birthday (2032-01-01)', expect.any(String), '2031-12-18T00:00:00.000Z'],
    ]);
  });

  it('says on track before the warning, at risk from it, breached from the due time', () => {
    const deadline = { warnAt: iso(7), dueAt: iso(10) };
    expect([6.9, 7, 9.99, 10, 12].map((day) => deadlineLevel(deadline, at(day)))).toEqual([
      'on_track',
      'at_risk',
      'at_risk',
      'breached',
      'breached',
    ]);
    expect(deadlineLevel({ warnAt: null, dueAt: iso(10) }, at(9))).toBe('on_track');
  });

  it('summarises a case by its earliest due time and earliest warning, from which the worst level follows at any time', () => {
    // Vetting since day 4: warns day 7.5, due day 9; the stay warns day 7, due day 10.
    const summary = deadlineSummary(activeDeadlines(clock('vetting', 4), DEFAULT_TARGETS));
    expect(summary).toEqual({ nextDeadlineAt: iso(9), nextDeadlineLabel: 'Stage: vetting', atRiskAt: iso(7) });
    expect([6, 7, 9].map((day) => summaryLevel(summary, at(day)))).toEqual(['on_track', 'at_risk', 'breached']);
    expect(summaryLevel(deadlineSummary([]), at(1))).toBeNull();
  });

  it('has none once the case is released but its follow-up call', () => {
    const released = clock('released', 9, { releasedAt: iso(9) });
    expect(activeDeadlines(released, DEFAULT_TARGETS).map((d) => [d.key, d.warnAt, d.dueAt])).toEqual([['follow_up', iso(39), iso(46)]]);
  });
});

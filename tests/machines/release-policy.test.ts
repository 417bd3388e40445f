import { allowedEvents, checkStatuses, evaluateEvent, peopleChecks, subjectOf } from '../../src/machines/case-logic';
import type { CaseSnapshot } from '../../src/machines/case-status';
import { toCaseStatus } from '../../src/machines/case-status';
import { events, reviewer } from '../helpers/builders';
import {
  AT,
  CLEAR_PENDING,
  CLEAR_SPONSOR_PENDING,
  drive,
  driveAt,
  openSnapshot,
  openSnapshotUnder,
  parseEvent,
  refusalOf,
} from '../helpers/machine-driver';

/**
 * Issue 14's rules on the pure machine: household members and alternate caregivers, dated results
 * and their expiry, each sponsor's checks kept, appeals, the age-out plan, and the rules a case
 * that opened before them keeps.
 */

const DAY = 86_400_000;
const after = (days: number): string => new Date(Date.parse(AT) + days * DAY).toISOString();

/** The statuses of one person's checks at `at`. */
const statusesOf = (s: CaseSnapshot, personId: string, at = AT): Record<string, string> =>
  Object.fromEntries(
    peopleChecks(s, at)
      .filter((c) => c.personId === personId)
      .map((c) => [c.check, c.state]),
  );

const sponsored = (category: '1' | '2A' | '2B' | '3' = '1', from = openSnapshot()) =>
  drive(from, events.completeIntake(), events.identifySponsor(category), events.completeAssessment());

describe('adult household members and alternate caregivers', () => {
  it('numbers each adult and gives them the household column: identity, public records, sex offender, and (Field Guidance 26) fingerprints', () => {
    const s = drive(sponsored('1'), events.addMember('household_member', 'HH-4471'), events.addMember('alternate_caregiver'));
    expect(s.context.household.map((m) => [m.id, m.role, m.reference])).toEqual([
      ['hm-1', 'household_member', 'HH-4471'],
      ['hm-2', 'alternate_caregiver', null],
    ]);
    for (const person of ['hm-1', 'hm-2']) {
      expect(statusesOf(s, person)).toEqual({
        identity: 'pending',
        public_records: 'pending',
        sex_offender: 'pending',
        fbi_fingerprint: 'pending',
        can_registry: 'not_required',
      });
    }
  });

  it('under the 2015 baseline an adult of the household is fingerprinted only when something raises it', () => {
    const s = sponsored('1', openSnapshotUnder(['baseline-2015']));
    const added = drive(s, events.addMember());
    expect(statusesOf(added, 'hm-1')).toMatchObject({ fbi_fingerprint: 'not_required', can_registry: 'not_required' });
    const raised = drive(added, events.flagCheck('public_records'));
    expect(statusesOf(raised, 'hm-1')).toMatchObject({ fbi_fingerprint: 'pending', can_registry: 'pending' });
  });

  it('vetting cannot complete while a household check is pending, and says whose', () => {
    const s = drive(sponsored('1'), events.addMember());
    const sponsorOnly = drive(s, CLEAR_SPONSOR_PENDING);
    expect(refusalOf(sponsorOnly, events.completeVetting()).message).toBe(
      'Vetting cannot complete while checks are open: identity of hm-1 (pending), public_records of hm-1 (pending), sex_offender of hm-1 (pending), fbi_fingerprint of hm-1 (pending). Clear or flag each pending check, enter a new result for each expired one, and decide each household flag.',
    );
    expect(toCaseStatus(drive(sponsorOnly, CLEAR_PENDING, events.completeVetting()))).toBe('recommendation');
  });

  it('a flagged household result needs a decision; a risk in the household makes the home study mandatory', () => {
    const flagged = drive(sponsored('1'), events.addMember(), events.flagCheck('public_records', false, { person: 'hm-1' }));
    // Anyone's flag raises the conditional checks and ends the expedited path.
    expect(flagged.context.expedited).toBe(false);
    expect(flagged.context.flags.at(-1)).toMatchObject({ check: 'public_records', person: 'hm-1' });
    const cleared = drive(flagged, CLEAR_PENDING);
    expect(refusalOf(cleared, events.completeVetting()).message).toMatch(/public_records of hm-1 \(flagged, no decision on it\)/);
    expect(allowedEvents(cleared, AT, 'case_manager')).toContain('DECIDE_HOUSEHOLD_FLAG');
    const mitigated = drive(cleared, events.decideHouseholdFlag('hm-1', 'public_records', 'mitigated'), events.completeVetting());
    expect(toCaseStatus(mitigated)).toBe('recommendation');
    const risky = drive(cleared, events.decideHouseholdFlag('hm-1', 'public_records', 'presents_risk'), events.completeVetting());
    expect(risky.context.homeStudyTriggers).toEqual(['household_member_presents_risk']);
    expect(toCaseStatus(risky)).toBe('home_study');
    expect(refusalOf(mitigated, events.decideHouseholdFlag('hm-1', 'public_records')).code).toBe('not_allowed_in_state');
    expect(refusalOf(cleared, events.decideHouseholdFlag('hm-1', 'identity')).message).toBe(
      'No flagged identity result of hm-1 awaits a decision.',
    );
  });

  it('a finding that the sponsor presents a risk is not for a household member', () => {
    const s = drive(sponsored('1'), events.addMember());
    expect(refusalOf(s, events.flagCheck('public_records', true, { person: 'hm-1' })).message).toBe(
      "sponsorPresentsRisk is for the sponsor's own checks; decide a household member's flag with DECIDE_HOUSEHOLD_FLAG.",
    );
  });

  it('an adult added after vetting sends the case back to vetting for their checks; the others keep theirs', () => {
    const atRecommendation = drive(sponsored('1'), CLEAR_PENDING, events.completeVetting());
    const back = drive(atRecommendation, events.addMember('alternate_caregiver'));
    expect(toCaseStatus(back)).toBe('vetting');
    expect(checkStatuses(back, AT)).toMatchObject({ identity: 'cleared', public_records: 'cleared' });
    expect(statusesOf(back, 'hm-1')).toMatchObject({ identity: 'pending' });
  });

  it('a removed adult no longer counts; the record of their checks stays', () => {
    const s = drive(sponsored('1'), events.addMember(), events.clearCheck('identity', { person: 'hm-1' }), CLEAR_SPONSOR_PENDING);
    const removed = drive(s, events.removeMember('hm-1'), events.completeVetting());
    expect(toCaseStatus(removed)).toBe('recommendation');
    expect(removed.context.household[0]).toMatchObject({ id: 'hm-1', removedAt: AT, results: { identity: { outcome: 'cleared' } } });
    expect(refusalOf(removed, events.removeMember('hm-1')).message).toBe("hm-1 is not a present member of the sponsor's household.");
    expect(refusalOf(s, events.clearCheck('identity', { person: 'hm-7' })).message).toBe(
      "hm-7 is neither the sponsor (sp-1) nor a present member of the sponsor's household.",
    );
  });

  it("books fingerprints: the sponsor's by default, or a household member's", () => {
    const s = drive(sponsored('1'), events.addMember());
    const booked = drive(s, events.scheduleFingerprints(after(2)), events.scheduleFingerprints(after(3), 'hm-1'));
    expect(booked.context.fingerprintAppointment).toBe(after(2));
    expect(booked.context.household[0]?.fingerprintAppointment).toBe(after(3));
    const printed = drive(booked, events.clearCheck('fbi_fingerprint'));
    expect(refusalOf(printed, events.scheduleFingerprints(after(4))).message).toBe(
      'No fingerprints of sp-1 are required and awaiting a result.',
    );
  });
});

describe('dated check results and their validity', () => {
  it('keeps when a result was obtained, who entered it and its source; public records expire 90 days on, others never', () => {
    const s = drive(
      sponsored('1'),
      events.clearCheck('public_records', { obtainedAt: after(-10), source: 'VND-88213' }),
      events.clearCheck('identity'),
    );
    expect(s.context.checkResults.public_records).toEqual({
      outcome: 'cleared',
      obtainedAt: after(-10),
      enteredAt: AT,
      enteredBy: 'cm-ana',
      source: 'VND-88213',
    });
    const checks = peopleChecks(s, AT);
    expect(checks.find((c) => c.check === 'public_records')?.expiresAt).toBe(after(80));
    expect(checks.find((c) => c.check === 'identity')?.expiresAt).toBeNull();
  });

  it('refuses a result obtained in the future, or one expired already', () => {
    const s = sponsored('1');
    expect(refusalOf(s, events.clearCheck('identity', { obtainedAt: after(1) })).message).toBe(
      'The identity result of sp-1 says it was obtained in the future: obtainedAt must not be after now.',
    );
    expect(refusalOf(s, events.clearCheck('public_records', { obtainedAt: after(-91) })).message).toBe(
      `The public_records result of sp-1 expired on ${after(-1).slice(0, 10)} already: enter a newer one.`,
    );
  });

  /** At the ORR decision with a public-records result obtained 85 days before AT. */
  const nearlyStale = () =>
    drive(
      sponsored('1'),
      events.clearCheck('public_records', { obtainedAt: after(-85) }),
      CLEAR_PENDING,
      events.completeVetting(),
      events.recommend(),
    );

  it('an expired result counts as pending: ORR cannot approve, and the refusal names the check, the person and the day', () => {
    const s = nearlyStale();
    expect(toCaseStatus(s)).toBe('release_decision');
    expect(checkStatuses(s, after(6))).toMatchObject({ public_records: 'expired', identity: 'cleared' });
    const refusal = refusalOf(s, events.approve(), after(6));
    expect(refusal).toMatchObject({
      code: 'conditions_not_met',
      message: `ORR cannot approve while checks are open: public_records of sp-1 (expired on ${after(5).slice(0, 10)}).`,
    });
    // A denial or a remand is still ORR's to make.
    expect(toCaseStatus(driveAt(after(6), s, events.decide('remand', { remandTo: 'vetting', recheck: ['public_records'] })))).toBe(
      'vetting',
    );
  });

  it('a new result entered after vetting keeps the stage; one that flags is a new finding and goes back to vetting', () => {
    const s = nearlyStale();
    const renewed = driveAt(after(6), s, events.clearCheck('public_records', { obtainedAt: after(6), source: 'VND-90001' }));
    expect(toCaseStatus(renewed)).toBe('release_decision');
    expect(toCaseStatus(driveAt(after(6), renewed, events.approve()))).toBe('release_approved');
    const flagged = driveAt(after(6), s, events.flagCheck('public_records'));
    expect(toCaseStatus(flagged)).toBe('vetting');
    expect(flagged.context.expedited).toBe(false);
    // A result still valid is not entered again outside vetting.
    expect(refusalOf(s, events.clearCheck('identity')).code).toBe('conditions_not_met');
  });

  it('at release too every required result must be valid that day', () => {
    const approved = drive(nearlyStale(), events.approve());
    expect(refusalOf(approved, events.releaseChild(), after(6)).message).toBe(
      `The child cannot be released while checks are open: public_records of sp-1 (expired on ${after(5).slice(0, 10)}). Enter a new result for each first.`,
    );
    const renewed = driveAt(after(6), approved, events.clearCheck('public_records', { obtainedAt: after(6) }));
    expect(toCaseStatus(driveAt(after(6), renewed, events.releaseChild()))).toBe('released');
  });
});

describe('check history per sponsor', () => {
  it('numbers sponsors; a withdrawn sponsor keeps their checks and household in the history; the next starts fresh', () => {
    const first = drive(
      sponsored('2A'),
      events.addMember(),
      events.clearCheck('identity'),
      events.clearCheck('identity', { person: 'hm-1' }),
    );
    const withdrawn = drive(first, events.sponsorWithdrew(), events.identifySponsor('1'));
    const [earlier] = withdrawn.context.sponsorHistory;
    expect(earlier).toMatchObject({ sponsorId: 'sp-1', outcome: 'withdrawn', checkResults: { identity: { outcome: 'cleared' } } });
    expect(earlier?.household.map((m) => m.id)).toEqual(['hm-1']);
    expect(withdrawn.context).toMatchObject({ sponsorId: 'sp-2', checkResults: {}, household: [], flags: [] });
    // Household ids are never reused: the next sponsor's first adult is hm-2.
    expect(drive(withdrawn, events.addMember()).context.household[0]?.id).toBe('hm-2');
  });

  it('each transition says which sponsor, and for a check which check and whose', () => {
    const s = drive(sponsored('1'), events.addMember());
    const subjectAfter = (event: unknown) => {
      const outcome = evaluateEvent(s, parseEvent(event), AT);
      if (!outcome.accepted) throw new Error(outcome.refusal.message);
      return subjectOf(s, parseEvent(event), outcome.next);
    };
    expect(subjectAfter(events.clearCheck('identity'))).toEqual({ sponsorId: 'sp-1', personId: 'sp-1', check: 'identity' });
    expect(subjectAfter(events.flagCheck('sex_offender', false, { person: 'hm-1' }))).toEqual({
      sponsorId: 'sp-1',
      personId: 'hm-1',
      check: 'sex_offender',
    });
    expect(subjectAfter(events.addMember())).toEqual({ sponsorId: 'sp-1', personId: 'hm-2' });
    expect(subjectAfter(events.sponsorWithdrew())).toEqual({ sponsorId: 'sp-1' });
  });
});

describe('appeals of a denial', () => {
  const deniedAt = (category: '1' | '2A' | '2B' | '3', grounds: ('risk_to_child' | 'child_danger')[] = ['risk_to_child']) => {
    const vetted = drive(sponsored(category), CLEAR_PENDING, events.completeVetting());
    // A child of 9 with a Category 3 sponsor: the home study is mandatory.
    const studied = toCaseStatus(vetted) === 'home_study' ? drive(vetted, events.completeHomeStudy()) : vetted;
    const atDecision = drive(
      studied,
      events.recommend(),
      ...(toCaseStatus(drive(studied, events.recommend())) === 'release_decision' ? [] : [events.review()]),
    );
    return drive(atDecision, events.decide('deny', { grounds }));
  };

  it('a parent appeals; receipt is acknowledged; a granted appeal returns the case to the ORR decision for that sponsor', () => {
    const denied = deniedAt('1');
    const filed = drive(denied, events.fileAppeal('sponsor'));
    expect(filed.context.appeals).toEqual([
      expect.objectContaining({ id: 'ap-1', sponsorId: 'sp-1', appellant: 'sponsor', outcome: null, acknowledgedAt: null }),
    ]);
    expect(toCaseStatus(filed)).toBe('sponsor_identification');
    const acknowledged = drive(filed, events.acknowledgeAppeal('ap-1'));
    expect(acknowledged.context.appeals[0]).toMatchObject({ acknowledgedAt: AT, acknowledgedBy: 'acf-ana' });
    expect(refusalOf(acknowledged, events.acknowledgeAppeal('ap-1')).message).toBe(
      `Appeal ap-1 was acknowledged on ${AT.slice(0, 10)} already.`,
    );
    const granted = drive(acknowledged, events.decideAppeal('granted'));
    expect(toCaseStatus(granted)).toBe('release_decision');
    expect(granted.context).toMatchObject({ sponsorId: 'sp-1', decision: null, checkResults: { identity: { outcome: 'cleared' } } });
    expect(toCaseStatus(drive(granted, events.approve()))).toBe('release_approved');
  });

  it('another sponsor may be identified while an appeal is pending; a granted appeal sets them aside, their checks kept', () => {
    const pending = drive(
      deniedAt('1'),
      events.fileAppeal(),
      events.identifySponsor('2B'),
      events.completeAssessment(),
      events.clearCheck('identity'),
    );
    expect(toCaseStatus(pending)).toBe('vetting');
    const granted = drive(pending, events.decideAppeal('granted'));
    expect(toCaseStatus(granted)).toBe('release_decision');
    expect(granted.context.sponsorId).toBe('sp-1');
    expect(granted.context.sponsorHistory.map((h) => [h.sponsorId, h.outcome])).toEqual([
      ['sp-1', 'denied'],
      ['sp-2', 'set_aside'],
    ]);
    expect(granted.context.sponsorHistory[1]?.checkResults.identity?.outcome).toBe('cleared');
  });

  it('a denied appeal is final for that sponsor; a release to another sponsor makes a pending one moot', () => {
    const final = drive(deniedAt('1'), events.fileAppeal(), events.decideAppeal('denied'));
    expect(final.context.appeals[0]).toMatchObject({ outcome: 'denied', acknowledgedAt: AT });
    expect(refusalOf(final, events.fileAppeal()).message).toBe(
      "The denial of sp-1 was appealed already (ap-1, denied): a sponsor's denial is appealed once.",
    );
    const pending = drive(deniedAt('1'), events.fileAppeal(), events.identifySponsor('1'), events.completeAssessment(), CLEAR_PENDING);
    const released = drive(pending, events.completeVetting(), events.recommend(), events.approve(), events.releaseChild());
    expect(released.context.appeals[0]).toMatchObject({ outcome: 'moot', decidedAt: AT });
  });

  it('refuses an appeal by anyone not entitled, saying why', () => {
    expect(refusalOf(deniedAt('3'), events.fileAppeal()).message).toBe(
      'Under ifr-2025 a denial may be appealed by a parent or legal guardian (Category 1) or a close relative who was the primary caregiver (Category 2A); sp-1 is a distant relative or unrelated adult (Category 3).',
    );
    expect(refusalOf(deniedAt('2A'), events.fileAppeal('child')).message).toBe(
      'The child may appeal only a denial resting on child_danger alone (45 CFR 410.1206(c)); the denial of sp-1 rests on risk_to_child.',
    );
    expect(refusalOf(deniedAt('1'), events.fileAppeal('sponsor'), after(30)).message).toBe(
      `The window to appeal the denial of sp-1 (${AT.slice(0, 10)}) closed on ${after(30).slice(0, 10)}, 30 days after it.`,
    );
    expect(refusalOf(sponsored('1'), events.fileAppeal()).message).toBe(
      'No sponsor of this case has been denied: only a denial can be appealed.',
    );
    expect(refusalOf(deniedAt('1'), { ...events.acknowledgeAppeal('ap-1'), actor: reviewer }).code).toBe('role_not_permitted');
  });

  it('the child may appeal a denial resting on child_danger alone, at any time while in care', () => {
    const denied = deniedAt('2B', ['child_danger']);
    const filed = driveAt(after(200), denied, events.fileAppeal('child'));
    expect(filed.context.appeals[0]).toMatchObject({ appellant: 'child', sponsorId: 'sp-1' });
    expect(refusalOf(deniedAt('2B', ['risk_to_child', 'child_danger']), events.fileAppeal('child')).message).toMatch(
      /rests on risk_to_child, child_danger\.$/,
    );
  });

  it('under the 2015 baseline only parents and legal guardians appeal, and the child does not', () => {
    const atDecision = drive(
      sponsored('2A', openSnapshotUnder(['baseline-2015'])),
      CLEAR_PENDING,
      events.completeVetting(),
      events.recommend(),
      events.review(),
    );
    const denied = drive(atDecision, events.decide('deny', { grounds: ['child_danger'] }));
    expect(refusalOf(denied, events.fileAppeal()).message).toMatch(
      /^Under baseline-2015 a denial may be appealed by a parent or legal guardian \(Category 1\); sp-1 is a close relative/,
    );
    expect(refusalOf(denied, events.fileAppeal('child')).message).toBe(
      'Under baseline-2015 a child may not appeal a denial; the 2024 Foundational Rule (45 CFR 410.1206(c)) introduced it.',
    );
  });
});

describe('age-out', () => {
  it('a post-18 plan is recorded from 17; the age-out keeps it', () => {
    const child = openSnapshot({ child: { birthDate: '2009-11-04' } }); // 16 on AT, 17 the next day
    expect(refusalOf(child, events.recordAgeOutPlan()).message).toBe('The child is 16: a post-18 plan is recorded from the age of 17.');
    const planned = driveAt(after(1), child, events.recordAgeOutPlan('Independent living programme'));
    expect(planned.context.ageOutPlan).toEqual({ plan: 'Independent living programme', at: after(1), by: 'cm-ana' });
    const closed = driveAt('2027-11-04T00:00:00.000Z', planned, { ...events.ageOut(), actor: { id: 'reunify', role: 'system' } });
    expect(closed.context).toMatchObject({ closure: 'aged_out', ageOutPlan: { plan: 'Independent living programme' } });
  });
});

describe('a case that opened before these rules (rules 1) keeps its own', () => {
  it('has no household, appeals or age-out plan events, takes old results and approves an adult as it always did', () => {
    const old = drive(
      openSnapshot({ child: { birthDate: '2008-11-05' } }, 1),
      events.completeIntake(),
      events.identifySponsor('1'),
      events.completeAssessment(),
    );
    expect(old.context.rules).toBe(1);
    expect(refusalOf(old, events.addMember()).code).toBe('not_allowed_in_state');
    const atDecision = drive(old, CLEAR_PENDING, events.completeVetting(), events.recommend());
    expect(allowedEvents(atDecision, after(100), 'case_manager')).not.toContain('RECORD_AGE_OUT_PLAN');
    // 100 days on, the child 18 and the public-records result 100 days old: the old rules approve.
    expect(toCaseStatus(driveAt(after(100), atDecision, events.approve()))).toBe('release_approved');
    const denied = drive(atDecision, events.decide('deny'));
    expect(refusalOf(denied, events.fileAppeal()).code).toBe('not_allowed_in_state');
  });
});

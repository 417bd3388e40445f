import type { Check, Sponsor, SponsorCategory } from '../../../src/contracts/case-events';
import { CHECKS, HOUSEHOLD_CHECKS, SponsorInputSchema } from '../../../src/contracts/case-events';
import { ChildFactsSchema, type ChildFacts } from '../../../src/contracts/case-input';
import type { HomeStudyTrigger, PolicyProfile } from '../../../src/domain/policy';
import {
  HOME_STUDY_TRIGGERS,
  POLICY_PROFILES,
  ageInYears,
  expeditedEligible,
  homeStudyTriggers,
  householdCheckRequired,
  profileAt,
  profileById,
  requiredChecks,
} from '../../../src/domain/policy';
import { checkStatuses } from '../../../src/machines/case-logic';
import { events } from '../../helpers/builders';
import { drive, openSnapshot } from '../../helpers/machine-driver';

const AT = '2026-11-03T09:00:00Z';
const child = (facts: Partial<ChildFacts> = {}): ChildFacts => ChildFactsSchema.parse({ birthDate: '2012-01-01', ...facts });
const sponsor = (category: SponsorCategory, extra: Partial<Sponsor> = {}): Sponsor =>
  SponsorInputSchema.parse({ category, ...(category === '3' ? { related: true } : {}), ...extra });

const baseline = profileById('baseline-2015');
const fg26 = profileById('fg26-2025');
const today = profileById('ifr-2025');

describe('policy profiles, dated', () => {
  it.each([
    ['2016-06-01T00:00:00Z', 'baseline-2015'],
    ['2018-05-31T23:59:59Z', 'baseline-2015'],
    ['2018-06-01T00:00:00Z', 'fingerprints-2018'],
    ['2018-12-17T23:59:59Z', 'fingerprints-2018'],
    ['2018-12-18T00:00:00Z', 'household-rollback-2018'],
    ['2019-01-01T00:00:00Z', 'scale-back-2019'],
    ['2024-06-30T23:59:59Z', 'scale-back-2019'],
    ['2024-07-01T00:00:00Z', 'foundational-rule-2024'],
    ['2025-02-13T23:59:59Z', 'foundational-rule-2024'],
    ['2025-02-14T00:00:00Z', 'fg26-2025'],
    ['2025-03-25T00:00:00Z', 'ifr-2025'],
    ['2026-11-03T09:00:00Z', 'ifr-2025'],
  ])('on %s the profile in force is %s', (at, id) => {
    expect(profileAt(at).id).toBe(id);
  });

  it('refuses a date before any profile, and an unknown profile, naming it', () => {
    expect(() => profileAt('2010-01-01T00:00:00Z')).toThrow('No policy profile is in force on 2010-01-01');
    expect(() => profileById('fg27-2026')).toThrow('Unknown policy profile fg27-2026');
  });

  it('has each profile once, in date order, each with its source; the dates the notes give loosely are flagged', () => {
    const ids = POLICY_PROFILES.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const dates = POLICY_PROFILES.map((p) => p.effectiveFrom);
    expect([...dates].sort()).toEqual(dates);
    for (const p of POLICY_PROFILES) expect(p.source).toMatch(/\S/);
    expect(profileById('fingerprints-2018').unsure[0]).toMatch(/June 2018 without a day/);
    expect(profileById('scale-back-2019').unsure[0]).toMatch(/only "in 2019"/);
    // Every profile says where the notes were unsure of what it holds.
    for (const p of POLICY_PROFILES) expect(p.unsure.length).toBeGreaterThan(0);
  });
});

/**
 * The research notes' table 2.2b, transcribed: which profiles fingerprint which sponsors and
 * which adults of the household (Y always, C when raised, O at ORR's discretion). Identity,
 * public records and sex offender checks are required of everyone in every profile.
 */
const FINGERPRINTS: Record<string, { sponsor: Record<SponsorCategory, 'Y' | 'C'>; household: 'Y' | 'C' | 'O' }> = {
  'baseline-2015': { sponsor: { '1': 'C', '2A': 'C', '2B': 'Y', '3': 'Y' }, household: 'C' },
  'fingerprints-2018': { sponsor: { '1': 'Y', '2A': 'Y', '2B': 'Y', '3': 'Y' }, household: 'Y' },
  'household-rollback-2018': { sponsor: { '1': 'Y', '2A': 'Y', '2B': 'Y', '3': 'Y' }, household: 'C' },
  'scale-back-2019': { sponsor: { '1': 'C', '2A': 'C', '2B': 'Y', '3': 'Y' }, household: 'C' },
  'foundational-rule-2024': { sponsor: { '1': 'C', '2A': 'C', '2B': 'Y', '3': 'Y' }, household: 'O' },
  'fg26-2025': { sponsor: { '1': 'Y', '2A': 'Y', '2B': 'Y', '3': 'Y' }, household: 'Y' },
  'ifr-2025': { sponsor: { '1': 'Y', '2A': 'Y', '2B': 'Y', '3': 'Y' }, household: 'Y' },
};
const CATEGORIES: SponsorCategory[] = ['1', '2A', '2B', '3'];

describe('required checks: every profile, category, raised or not', () => {
  it('covers every profile in the transcribed table', () => {
    expect(Object.keys(FINGERPRINTS).sort()).toEqual(POLICY_PROFILES.map((p) => p.id).sort());
  });

  const rows = POLICY_PROFILES.flatMap((p) => CATEGORIES.flatMap((c) => [false, true].map((r) => [p.id, c, r] as const)));
  it.each(rows)("%s, Category %s, raised %s: the sponsor's checks", (id, category, raisedNow) => {
    const profile = profileById(id);
    const expected: Check[] = ['identity', 'relationship', 'public_records', 'sex_offender'];
    if (FINGERPRINTS[id]!.sponsor[category] === 'Y' || raisedNow) expected.push('fbi_fingerprint');
    if (category === '3' || raisedNow) expected.push('can_registry');
    expected.push('prior_sponsorship');
    expect(requiredChecks({ profile, sponsor: sponsor(category), raised: raisedNow, expedited: false }, CHECKS)).toEqual(expected);
  });

  it.each(POLICY_PROFILES.map((p) => p.id))('%s: each adult of the household, raised or not', (id) => {
    const profile = profileById(id);
    const cell = FINGERPRINTS[id]!.household;
    for (const raisedNow of [false, true]) {
      const required = HOUSEHOLD_CHECKS.filter((check) => householdCheckRequired(check, profile, raisedNow));
      const fingerprints = cell === 'Y' || (cell === 'C' && raisedNow);
      expect(required).toEqual([
        'identity',
        'public_records',
        'sex_offender',
        ...(fingerprints ? ['fbi_fingerprint'] : []),
        ...(raisedNow ? ['can_registry'] : []),
      ]);
    }
  });

  it('an unrelated Category 3 sponsor needs no relationship check', () => {
    const checks = requiredChecks({ profile: today, sponsor: sponsor('3', { related: false }), raised: false, expedited: false }, CHECKS);
    expect(checks).not.toContain('relationship');
  });

  it('the expedited Category 1 path runs its own checks, fingerprints from Field Guidance 26, and did not exist in 2018', () => {
    const expedited = (id: string) =>
      requiredChecks({ profile: profileById(id), sponsor: sponsor('1'), raised: false, expedited: true }, CHECKS);
    expect(expedited('baseline-2015')).toEqual(['identity', 'relationship', 'public_records', 'sex_offender']);
    expect(expedited('fg26-2025')).toEqual(['identity', 'relationship', 'public_records', 'sex_offender', 'fbi_fingerprint']);
    expect(POLICY_PROFILES.filter((p) => !p.expeditedPath).map((p) => p.id)).toEqual(['fingerprints-2018', 'household-rollback-2018']);
    expect(expeditedEligible(sponsor('1'), [], false, profileById('fingerprints-2018'))).toBe(false);
    expect(expeditedEligible(sponsor('1'), [], false, today)).toBe(true);
  });

  it('the machine opens exactly the required checks as pending', () => {
    for (const category of ['1', '2A', '2B', '3'] as const) {
      const s = drive(openSnapshot(), events.completeIntake(), events.identifySponsor(category), events.completeAssessment());
      const pending = Object.entries(checkStatuses(s)!)
        .filter(([, status]) => status === 'pending')
        .map(([check]) => check);
      const context = { profile: today, sponsor: s.context.sponsor!, raised: false, expedited: s.context.expedited };
      expect(pending).toEqual(requiredChecks(context, CHECKS));
    }
  });

  it('changing a table changes the behaviour with no machine edit', () => {
    const strict: PolicyProfile = {
      ...fg26,
      checks: { ...fg26.checks, can_registry: { '1': 'required', '2A': 'required', '2B': 'required', '3': 'required' } },
    };
    const context = { profile: strict, sponsor: sponsor('2A'), raised: false, expedited: false };
    expect(requiredChecks(context, CHECKS)).toContain('can_registry');
  });
});

describe('validity, appointments and appeals, per profile', () => {
  it('public-records results are valid 90 days in every profile; no other check expires', () => {
    for (const p of POLICY_PROFILES) {
      expect(p.resultValidityDays).toEqual({ public_records: 90 });
      expect(p.fingerprintAppointmentBusinessDays).toBe(3);
    }
  });

  it('parents and legal guardians may appeal; close relatives and the child from the 2024 Foundational Rule', () => {
    expect(baseline.appeals).toEqual({
      sponsorCategories: ['1'],
      sponsorWindowDays: 30,
      childMayAppeal: false,
      acknowledgeWithinBusinessDays: 5,
    });
    for (const id of ['foundational-rule-2024', 'fg26-2025', 'ifr-2025']) {
      expect(profileById(id).appeals).toEqual({
        sponsorCategories: ['1', '2A'],
        sponsorWindowDays: 30,
        childMayAppeal: true,
        acknowledgeWithinBusinessDays: 5,
      });
    }
    // Where the notes give no window, the profile says the 30 days are ours.
    for (const p of POLICY_PROFILES) expect(p.unsure.some((u) => u.includes('30 days is our default'))).toBe(true);
  });
});

describe('home study: every trigger', () => {
  const table: [string, ChildFacts, Sponsor, HomeStudyTrigger[]][] = [
    ['no trigger, Category 1', child(), sponsor('1'), []],
    ['no trigger, Category 2A', child(), sponsor('2A'), []],
    ['no trigger, Category 2B', child(), sponsor('2B'), []],
    ['Category 3, child of 14', child(), sponsor('3'), []],
    ['trafficking victim', child({ traffickingVictim: true }), sponsor('1'), ['child_trafficking_victim']],
    ['disability', child({ disability: true }), sponsor('2B'), ['child_disability']],
    ['abuse victim', child({ abuseVictim: true }), sponsor('2A'), ['child_abuse_victim']],
    ['sponsor presents a risk', child(), sponsor('1', { presentsRisk: true }), ['sponsor_presents_risk']],
    ['Category 3, child of 11', child({ birthDate: '2015-06-01' }), sponsor('3'), ['young_child_category_3']],
    ['Category 1, child of 11: no age rule', child({ birthDate: '2015-06-01' }), sponsor('1'), []],
    [
      'unrelated sponsor who sponsored before',
      child(),
      sponsor('3', { related: false, sponsoredBefore: true }),
      ['unrelated_sponsor_multiple_children'],
    ],
    [
      'unrelated sponsor seeking several children',
      child(),
      sponsor('3', { related: false, seekingMultiple: true }),
      ['unrelated_sponsor_multiple_children'],
    ],
    ['related sponsor seeking several children: no trigger', child(), sponsor('2B', { seekingMultiple: true }), []],
    [
      'several at once, in table order',
      child({ birthDate: '2020-01-01', traffickingVictim: true, disability: true, abuseVictim: true }),
      sponsor('3', { presentsRisk: true, related: false, seekingMultiple: true }),
      // The household trigger comes from a decision on a household flag, not from these facts.
      HOME_STUDY_TRIGGERS.filter((t) => t !== 'household_member_presents_risk'),
    ],
  ];

  it.each(table)('%s', (_label, facts, who, expected) => {
    const triggers = homeStudyTriggers(facts, who, AT);
    expect(triggers).toEqual(expected);
    // A trigger makes the home study mandatory, raises the conditional checks and rules out the expedited path.
    expect(expeditedEligible(who, triggers, false)).toBe(who.category === '1' && expected.length === 0);
  });

  it('every trigger of the facts appears in the table', () => {
    const seen = new Set(table.flatMap(([, , , triggers]) => triggers));
    expect([...seen].sort()).toEqual(HOME_STUDY_TRIGGERS.filter((t) => t !== 'household_member_presents_risk').sort());
  });

  it('takes the Category 3 age boundary from the profile, not the code', () => {
    expect(homeStudyTriggers(child(), sponsor('3'), AT, { ...fg26, category3HomeStudyAgeBelow: 16 })).toEqual(['young_child_category_3']);
  });

  it('a flagged check rules out the expedited path', () => {
    expect(expeditedEligible(sponsor('1'), [], true)).toBe(false);
  });

  it('counts age in whole years, birthday included', () => {
    expect(ageInYears('2014-11-03', '2026-11-03T00:00:00Z')).toBe(12);
    expect(ageInYears('2014-11-04', '2026-11-03T23:59:59Z')).toBe(11);
  });
});

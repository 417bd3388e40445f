import type { Check, Sponsor, SponsorCategory } from '../../../src/contracts/case-events';
import { CHECKS, SponsorInputSchema } from '../../../src/contracts/case-events';
import { ChildFactsSchema, type ChildFacts } from '../../../src/contracts/case-input';
import type { HomeStudyTrigger, PolicyProfile } from '../../../src/domain/policy';
import {
  HOME_STUDY_TRIGGERS,
  POLICY_PROFILES,
  ageInYears,
  expeditedEligible,
  homeStudyTriggers,
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

describe('policy profiles', () => {
  it.each([
    ['2016-06-01T00:00:00Z', 'baseline-2015'],
    ['2025-02-13T23:59:59Z', 'baseline-2015'],
    ['2025-02-14T00:00:00Z', 'fg26-2025'],
    ['2026-11-03T09:00:00Z', 'fg26-2025'],
  ])('on %s the profile in force is %s', (at, id) => {
    expect(profileAt(at).id).toBe(id);
  });

  it('refuses a date before any profile, naming it', () => {
    expect(() => profileAt('2010-01-01T00:00:00Z')).toThrow('No policy profile is in force on 2010-01-01');
  });
});

describe('required checks: every category, raised or not, expedited or not, under each profile', () => {
  type Row = [profile: PolicyProfile, category: SponsorCategory, related: boolean, raised: boolean, expedited: boolean, checks: Check[]];
  const CORE: Check[] = ['identity', 'relationship', 'public_records', 'sex_offender'];
  const table: Row[] = [
    // Baseline (2015 guide): fingerprints for 2B and 3; CA/N only for 3, unless raised.
    [baseline, '1', true, false, true, CORE],
    [baseline, '1', true, false, false, [...CORE, 'prior_sponsorship']],
    [baseline, '1', true, true, false, [...CORE, 'fbi_fingerprint', 'can_registry', 'prior_sponsorship']],
    [baseline, '2A', true, false, false, [...CORE, 'prior_sponsorship']],
    [baseline, '2A', true, true, false, [...CORE, 'fbi_fingerprint', 'can_registry', 'prior_sponsorship']],
    [baseline, '2B', true, false, false, [...CORE, 'fbi_fingerprint', 'prior_sponsorship']],
    [baseline, '2B', true, true, false, [...CORE, 'fbi_fingerprint', 'can_registry', 'prior_sponsorship']],
    [baseline, '3', true, false, false, [...CORE, 'fbi_fingerprint', 'can_registry', 'prior_sponsorship']],
    [
      baseline,
      '3',
      false,
      false,
      false,
      ['identity', 'public_records', 'sex_offender', 'fbi_fingerprint', 'can_registry', 'prior_sponsorship'],
    ],
    // Field Guidance 26 (2025): fingerprints for every sponsor, the expedited path included.
    [fg26, '1', true, false, true, [...CORE, 'fbi_fingerprint']],
    [fg26, '1', true, false, false, [...CORE, 'fbi_fingerprint', 'prior_sponsorship']],
    [fg26, '1', true, true, false, [...CORE, 'fbi_fingerprint', 'can_registry', 'prior_sponsorship']],
    [fg26, '2A', true, false, false, [...CORE, 'fbi_fingerprint', 'prior_sponsorship']],
    [fg26, '2A', true, true, false, [...CORE, 'fbi_fingerprint', 'can_registry', 'prior_sponsorship']],
    [fg26, '2B', true, false, false, [...CORE, 'fbi_fingerprint', 'prior_sponsorship']],
    [fg26, '2B', true, true, false, [...CORE, 'fbi_fingerprint', 'can_registry', 'prior_sponsorship']],
    [fg26, '3', true, false, false, [...CORE, 'fbi_fingerprint', 'can_registry', 'prior_sponsorship']],
    [fg26, '3', false, true, false, ['identity', 'public_records', 'sex_offender', 'fbi_fingerprint', 'can_registry', 'prior_sponsorship']],
  ];

  it.each(table)('%#: %s, category %s, related %s, raised %s, expedited %s', (profile, category, related, raised, expedited, checks) => {
    const context = { profile: profile as PolicyProfile, sponsor: sponsor(category, { related }), raised, expedited };
    expect(requiredChecks(context, CHECKS)).toEqual(checks);
  });

  it('covers every category under every profile', () => {
    for (const profile of POLICY_PROFILES) {
      const categories = new Set(table.filter(([p]) => p.id === profile.id).map(([, c]) => c));
      expect([...categories].sort()).toEqual(['1', '2A', '2B', '3']);
    }
  });

  it('the machine opens exactly the required checks as pending', () => {
    for (const category of ['1', '2A', '2B', '3'] as const) {
      const s = drive(openSnapshot(), events.completeIntake(), events.identifySponsor(category), events.completeAssessment());
      const pending = Object.entries(checkStatuses(s)!)
        .filter(([, status]) => status === 'pending')
        .map(([check]) => check);
      const context = { profile: fg26, sponsor: s.context.sponsor!, raised: false, expedited: s.context.expedited };
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
      [...HOME_STUDY_TRIGGERS],
    ],
  ];

  it.each(table)('%s', (_label, facts, who, expected) => {
    const triggers = homeStudyTriggers(facts, who, AT);
    expect(triggers).toEqual(expected);
    // A trigger makes the home study mandatory, raises the conditional checks and rules out the expedited path.
    expect(expeditedEligible(who, triggers, false)).toBe(who.category === '1' && expected.length === 0);
  });

  it('every trigger appears in the table', () => {
    const seen = new Set(table.flatMap(([, , , triggers]) => triggers));
    expect([...seen].sort()).toEqual([...HOME_STUDY_TRIGGERS].sort());
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

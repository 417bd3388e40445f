import type { SponsorCategory } from '../../src/contracts/case-events';
import { ChildFactsSchema, type ChildFacts } from '../../src/contracts/case-input';
import type { HomeStudyTrigger } from '../../src/machines/policy';
import { ageInYears, homeStudyTriggers } from '../../src/machines/policy';

const AT = '2026-11-03T09:00:00Z';
const child = (facts: Partial<ChildFacts> = {}): ChildFacts =>
  ChildFactsSchema.parse({ birthDate: '2012-01-01', ...facts });
const sponsor = (category: SponsorCategory, presentsRisk = false) => ({ category, related: true, presentsRisk });

describe('home study policy', () => {
  const table: [string, ChildFacts, ReturnType<typeof sponsor>, HomeStudyTrigger[]][] = [
    ['no trigger, Category 1', child(), sponsor('1'), []],
    ['no trigger, Category 2A', child(), sponsor('2A'), []],
    ['no trigger, Category 2B', child(), sponsor('2B'), []],
    ['Category 3, child of 14', child(), sponsor('3'), []],
    ['trafficking victim', child({ traffickingVictim: true }), sponsor('1'), ['child_trafficking_victim']],
    ['disability', child({ disability: true }), sponsor('2B'), ['child_disability']],
    ['abuse victim', child({ abuseVictim: true }), sponsor('2A'), ['child_abuse_victim']],
    ['sponsor presents a risk', child(), sponsor('1', true), ['sponsor_presents_risk']],
    ['Category 3, child of 11', child({ birthDate: '2015-06-01' }), sponsor('3'), ['young_child_category_3']],
    ['Category 1, child of 11: no age rule', child({ birthDate: '2015-06-01' }), sponsor('1'), []],
    [
      'several at once, in table order',
      child({ birthDate: '2020-01-01', traffickingVictim: true, disability: true, abuseVictim: true }),
      sponsor('3', true),
      ['child_trafficking_victim', 'child_disability', 'child_abuse_victim', 'sponsor_presents_risk', 'young_child_category_3'],
    ],
  ];

  it.each(table)('%s', (_label, facts, who, expected) => {
    expect(homeStudyTriggers(facts, who, AT)).toEqual(expected);
  });

  it('takes the age boundary from the policy, not the code', () => {
    expect(homeStudyTriggers(child(), sponsor('3'), AT, { category3AgeBoundaryYears: 16 })).toEqual(['young_child_category_3']);
  });

  it('counts age in whole years, birthday included', () => {
    expect(ageInYears('2014-11-03', '2026-11-03T00:00:00Z')).toBe(12);
    expect(ageInYears('2014-11-04', '2026-11-03T23:59:59Z')).toBe(11);
  });
});

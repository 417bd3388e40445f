import { PolicyEvaluationSchema } from '../../../src/contracts/policy-evaluation';
import { POLICY_PROFILES, profileById } from '../../../src/domain/policy';
import { evaluatePolicy } from '../../../src/domain/policy-evaluation';
import type { CaseSnapshot } from '../../../src/machines/case-status';
import { events } from '../../helpers/builders';
import { AT, CLEAR_PENDING, CLEAR_SPONSOR_PENDING, drive, openSnapshot } from '../../helpers/machine-driver';

/** A case evaluated under any profile, as it stands, changing nothing (GET /cases/:id/policy). */

const under = (s: CaseSnapshot, id: string, at = AT) => evaluatePolicy(s.context, profileById(id), at);
const checksOf = (evaluation: ReturnType<typeof under>, personId: string) =>
  Object.fromEntries(evaluation.people.find((p) => p.personId === personId)!.checks.map((c) => [c.check, c.status]));

/** A parent sponsor in vetting with one adult of the household, the sponsor's checks cleared. */
const parentWithHousehold = () =>
  drive(
    openSnapshot(),
    events.completeIntake(),
    events.identifySponsor('1'),
    events.completeAssessment(),
    events.addMember(),
    CLEAR_SPONSOR_PENDING,
  );

describe('a case under any policy profile', () => {
  it('today (ifr-2025): fingerprints for the parent and the adult of the household; what is open blocks the release', () => {
    const evaluation = under(parentWithHousehold(), 'ifr-2025');
    expect(PolicyEvaluationSchema.parse(evaluation)).toEqual(evaluation);
    expect(evaluation).toMatchObject({
      caseProfile: 'ifr-2025',
      sponsorId: 'sp-1',
      expedited: true,
      homeStudy: { triggers: [], mandatory: false },
    });
    expect(checksOf(evaluation, 'sp-1')).toMatchObject({ fbi_fingerprint: 'cleared', can_registry: 'not_required' });
    expect(checksOf(evaluation, 'hm-1')).toMatchObject({ identity: 'pending', fbi_fingerprint: 'pending' });
    expect(evaluation.blocksRelease.map((b) => [b.code, b.personId, b.check])).toEqual([
      ['check_pending', 'hm-1', 'identity'],
      ['check_pending', 'hm-1', 'public_records'],
      ['check_pending', 'hm-1', 'sex_offender'],
      ['check_pending', 'hm-1', 'fbi_fingerprint'],
    ]);
  });

  it('under the Foundational Rule household fingerprints are optional; under the baseline only when raised', () => {
    for (const id of ['foundational-rule-2024', 'baseline-2015']) {
      const evaluation = under(parentWithHousehold(), id);
      expect(checksOf(evaluation, 'hm-1').fbi_fingerprint).toBe('not_required');
      expect(evaluation.blocksRelease.map((b) => b.check)).toEqual(['identity', 'public_records', 'sex_offender']);
    }
  });

  it('in June 2018 there was no expedited path, and every adult was fingerprinted', () => {
    const evaluation = under(parentWithHousehold(), 'fingerprints-2018');
    expect(evaluation.expedited).toBe(false);
    expect(checksOf(evaluation, 'sp-1')).toMatchObject({ prior_sponsorship: 'pending', fbi_fingerprint: 'cleared' });
    expect(evaluation.profile).toMatchObject({ id: 'fingerprints-2018', effectiveFrom: '2018-06-01' });
    expect(evaluation.profile.unsure[0]).toMatch(/June 2018 without a day/);
  });

  it('changes nothing: the case keeps its profile, its path and its checks', () => {
    const s = parentWithHousehold();
    const before = JSON.stringify(s.context);
    for (const p of POLICY_PROFILES) under(s, p.id);
    expect(JSON.stringify(s.context)).toBe(before);
  });

  it('names home-study triggers under the profile, and an adult child and a missing sponsor as blockers', () => {
    // A Category 3 sponsor for a child of 11: a home study under every profile.
    const young = drive(openSnapshot({ child: { birthDate: '2015-06-01' } }), events.completeIntake(), events.identifySponsor('3'));
    const evaluation = under(young, 'baseline-2015');
    expect(evaluation.homeStudy).toEqual({ triggers: ['young_child_category_3'], mandatory: true, done: false });
    expect(evaluation.blocksRelease.map((b) => b.code)).toContain('home_study_outstanding');
    const noSponsor = under(drive(openSnapshot(), events.completeIntake()), 'ifr-2025', '2035-06-01T00:00:00.000Z');
    expect(noSponsor.blocksRelease).toEqual([
      { code: 'no_sponsor', message: 'No sponsor is identified.' },
      { code: 'child_is_adult', message: 'The child is 18: ORR releases minors only.' },
    ]);
  });

  it('an expired result blocks the release under every profile, named with its day', () => {
    const s = drive(parentWithHousehold(), CLEAR_PENDING);
    const later = new Date(Date.parse(AT) + 91 * 86_400_000).toISOString();
    const evaluation = under(s, 'baseline-2015', later);
    expect(evaluation.blocksRelease.filter((b) => b.code === 'check_expired').map((b) => b.message)).toEqual([
      'public_records of sp-1 (expired on 2027-02-01)',
      'public_records of hm-1 (expired on 2027-02-01)',
    ]);
  });
});

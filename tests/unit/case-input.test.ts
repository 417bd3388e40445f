import { z } from 'zod';

import { ADMISSION_CLOCK_SKEW_MS, OpenCaseSchema, ageOn } from '../../src/contracts/case-input';
import { openCaseRequest } from '../helpers/builders';

/** The opening's dates, judged against the clock: each problem names its field, and a valid opening passes. */
describe('valid dates at the door (OpenCaseSchema)', () => {
  const now = Date.parse('2026-11-30T12:00:00.000Z');
  beforeAll(() => jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval'] }));
  afterAll(() => jest.useRealTimers());

  const issues = (admittedAt: string, birthDate: string) => {
    const parsed = OpenCaseSchema.safeParse(openCaseRequest('UC-D-1', { admittedAt, child: { birthDate } }));
    return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  };

  it('takes a child admitted today, born 17 years and 364 days before', () => {
    expect(issues('2026-11-30T11:00:00Z', '2008-12-01')).toEqual([]);
  });

  it.each([
    [
      'an admission beyond the clock-skew allowance',
      '2026-11-30T12:06:00Z',
      '2015-01-01',
      'admittedAt',
      'is in the future (2026-11-30T12:06:00Z): a child is admitted on arrival',
    ],
    [
      'an admission a year ahead',
      '2027-11-30T12:00:00Z',
      '2015-01-01',
      'admittedAt',
      'is in the future (2027-11-30T12:00:00Z): a child is admitted on arrival',
    ],
    [
      'an admission before ORR cared for unaccompanied children',
      '2003-02-28T12:00:00Z',
      '1990-01-01',
      'admittedAt',
      'is before 2003-03-01, when ORR began to care for unaccompanied children',
    ],
    ['a birth after the admission', '2026-11-01T09:00:00Z', '2026-11-02', 'child.birthDate', 'is after the admission (2026-11-01)'],
    [
      'a child of 18 on admission (the birthday itself)',
      '2026-11-30T09:00:00Z',
      '2008-11-30',
      'child.birthDate',
      'makes the child 18 on admission (2026-11-30): ORR admits children under 18',
    ],
    [
      'a birth in year 0000',
      '2026-11-30T09:00:00Z',
      '0000-01-01',
      'child.birthDate',
      'makes the child 2026 on admission (2026-11-30): ORR admits children under 18',
    ],
    ['a birth on 9999-12-31', '2026-11-30T09:00:00Z', '9999-12-31', 'child.birthDate', 'is after the admission (2026-11-30)'],
  ])('refuses %s', (_label, admittedAt, birthDate, path, message) => {
    expect(issues(admittedAt, birthDate)).toEqual([{ path, message }]);
  });

  it('allows a few minutes of clock skew', () => {
    expect(issues(new Date(now + ADMISSION_CLOCK_SKEW_MS - 1000).toISOString(), '2015-01-01')).toEqual([]);
  });

  it.each([
    ['2026-02-30', 'child.birthDate'],
    ['2025-02-29', 'child.birthDate'],
    ['2026-13-01', 'child.birthDate'],
  ])('refuses the impossible calendar date %s, naming %s', (birthDate, path) => {
    expect(issues('2026-11-30T09:00:00Z', birthDate).map((i) => i.path)).toEqual([path]);
  });

  it.each(['2026-02-30T10:00:00Z', '+275760-09-13T00:00:00Z', '0000-00-00T00:00:00Z', '2026-11-30'])(
    'refuses the admission %s: not a date and time PostgreSQL or the calendar can hold',
    (admittedAt) => {
      expect(issues(admittedAt, '2015-01-01').map((i) => i.path)).toEqual(['admittedAt']);
    },
  );

  it('counts the age on the admission day in the offset it was written with', () => {
    // 23:30 on 29 November in Los Angeles is the 30th in UTC: the child, 18 on the 30th, is still 17.
    expect(issues('2026-11-29T23:30:00-08:00', '2008-11-30')).toEqual([]);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
  });

  it('puts the rules in the OpenAPI document through the schema descriptions', () => {
    const schema = z.toJSONSchema(OpenCaseSchema, { io: 'input' }) as { properties: Record<string, { description?: string }> };
    expect(schema.properties['admittedAt']?.description).toMatch(
      /Not before 2003-03-01, and not in the future \(5 minutes of clock skew allowed\)/,
    );
  });
});

import type { BusinessCalendar } from '../../../src/contracts/business-calendar';
import { BusinessCalendarSchema, US_FEDERAL_CALENDAR } from '../../../src/contracts/business-calendar';
import { addBusinessDays, holidaysIn, isBusinessDay, localDateOf, startOfLocalDay } from '../../../src/domain/business-days';

const us = US_FEDERAL_CALENDAR;
const due = (from: string, days: number, calendar: BusinessCalendar = us): string =>
  new Date(addBusinessDays(Date.parse(from), days, calendar)).toISOString();

describe('US federal holidays, as data', () => {
  it('lists the observed days off of 2026 (Independence Day on a Saturday is observed on Friday 3 July)', () => {
    expect([...holidaysIn(2026, us).keys()].sort()).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
  });

  it("observes New Year's Day 2028, a Saturday, on Friday 31 December 2027, and Christmas 2027 on Friday the 24th", () => {
    const days = holidaysIn(2027, us);
    expect(days.get('2027-12-31')).toBe("New Year's Day");
    expect(days.get('2027-12-24')).toBe('Christmas Day');
    expect(holidaysIn(2028, us).has('2028-01-01')).toBe(false);
  });

  it('has Juneteenth from 2021 only, and takes closures as data', () => {
    expect(holidaysIn(2020, us).has('2020-06-19')).toBe(false);
    expect(holidaysIn(2021, us).has('2021-06-18')).toBe(true); // 19 June 2021 was a Saturday
    const closed = { ...us, closures: ['2026-12-24'] };
    expect(isBusinessDay({ year: 2026, month: 12, day: 24 }, us)).toBe(true);
    expect(isBusinessDay({ year: 2026, month: 12, day: 24 }, closed)).toBe(false);
  });

  it('refuses a calendar in a time zone the runtime does not know, naming the field', () => {
    const parsed = BusinessCalendarSchema.safeParse({ ...us, timeZone: 'America/Atlantis' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['timeZone'], message: 'must be an IANA time zone, e.g. America/New_York' });
  });
});

describe('business days (US federal calendar, America/New_York)', () => {
  // Each deadline is the end of the last business day counted: midnight after it in New York
  // (05:00 UTC in winter, 04:00 in summer).
  it.each([
    ['a Thursday, one day: Friday', '2026-12-03T15:00:00Z', 1, '2026-12-05T05:00:00.000Z'],
    ['a Friday, one day across the weekend: Monday, not Wednesday', '2026-12-04T15:00:00Z', 1, '2026-12-08T05:00:00.000Z'],
    ['a Saturday, one day: Monday', '2026-12-05T15:00:00Z', 1, '2026-12-08T05:00:00.000Z'],
    ['a Sunday, one day: Monday', '2026-12-06T15:00:00Z', 1, '2026-12-08T05:00:00.000Z'],
    ['a Friday, three days: Wednesday', '2026-12-04T15:00:00Z', 3, '2026-12-10T05:00:00.000Z'],
    ['the day before Thanksgiving, one day: the Friday after', '2026-11-25T15:00:00Z', 1, '2026-11-28T05:00:00.000Z'],
    ['an appeal on Friday 20 November, five days: Monday 30 (Thanksgiving skipped)', '2026-11-20T15:00:00Z', 5, '2026-12-01T05:00:00.000Z'],
    [
      'Thursday 23 December 2027, one day: Monday 27 (Christmas observed on the 24th)',
      '2027-12-23T15:00:00Z',
      1,
      '2027-12-28T05:00:00.000Z',
    ],
    [
      "Thursday 30 December 2027, one day: Monday 3 January (New Year's Day observed on the 31st)",
      '2027-12-30T15:00:00Z',
      1,
      '2028-01-04T05:00:00.000Z',
    ],
    [
      'a Friday before the clocks go forward, one day: Monday, at midnight daylight time',
      '2027-03-12T15:00:00Z',
      1,
      '2027-03-16T04:00:00.000Z',
    ],
  ])('from %s', (_label, from, days, expected) => {
    expect(due(from, days)).toBe(expected);
  });

  describe("counts the day in the calendar's time zone, not in UTC", () => {
    it('Friday 23:30 in New York is Saturday in UTC: one business day still ends on Monday', () => {
      expect(localDateOf(Date.parse('2026-12-05T04:30:00Z'), us.timeZone)).toEqual({ year: 2026, month: 12, day: 4 });
      expect(due('2026-12-05T04:30:00Z', 1)).toBe('2026-12-08T05:00:00.000Z');
    });

    it('Sunday 21:00 in New York is Monday in UTC: one business day ends on Monday, not Tuesday', () => {
      expect(due('2026-12-07T02:00:00Z', 1)).toBe('2026-12-08T05:00:00.000Z');
    });

    it('the same instant on a calendar kept in Guam (UTC+10) is already Saturday: one day ends at midnight after Monday in Guam', () => {
      const guam = { ...us, timeZone: 'Pacific/Guam' };
      expect(due('2026-12-04T15:00:00Z', 1, guam)).toBe('2026-12-07T14:00:00.000Z');
      // Thursday 20:00 UTC is Friday 06:00 in Guam: one business day is Monday there too.
      expect(due('2026-12-03T20:00:00Z', 1, guam)).toBe('2026-12-07T14:00:00.000Z');
    });

    it('finds local midnight on the days the clocks change', () => {
      expect(new Date(startOfLocalDay({ year: 2027, month: 3, day: 14 }, us.timeZone)).toISOString()).toBe('2027-03-14T05:00:00.000Z');
      expect(new Date(startOfLocalDay({ year: 2027, month: 3, day: 15 }, us.timeZone)).toISOString()).toBe('2027-03-15T04:00:00.000Z');
      expect(new Date(startOfLocalDay({ year: 2026, month: 11, day: 2 }, us.timeZone)).toISOString()).toBe('2026-11-02T05:00:00.000Z');
    });
  });

  it('refuses a duration that is not a whole number of days from 1, and a calendar with no business day', () => {
    expect(() => addBusinessDays(0, 0, us)).toThrow('A business-day duration is a whole number from 1, not 0');
    expect(() => addBusinessDays(0, 1.5, us)).toThrow(RangeError);
    expect(() => addBusinessDays(0, 1, { ...us, weekend: [0, 1, 2, 3, 4, 5, 6] })).toThrow('has no business day within ten years');
  });
});

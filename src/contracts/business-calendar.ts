import { z } from 'zod';

/**
 * The calendar that business-day deadlines count on, as data: which weekdays are the weekend,
 * which days are holidays (as rules, so that every year is covered) and in which time zone a day
 * begins. Admins can change it with the targets (PUT /targets); the default is the US federal
 * calendar in ORR's headquarters time zone.
 */

const year = z.int().min(1900).max(9999);
const holidayFields = {
  name: z.string().trim().min(1).max(100),
  month: z.int().min(1).max(12),
  /** First and last year the holiday exists (e.g. Juneteenth from 2021). */
  fromYear: year.optional(),
  untilYear: year.optional(),
};

export const HolidayRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('fixed_date'),
    ...holidayFields,
    day: z.int().min(1).max(31),
    observed: z
      .boolean()
      .default(true)
      .describe('When it falls on a Saturday the Friday before is off, on a Sunday the Monday after (5 U.S.C. 6103(b))'),
  }),
  z.strictObject({
    kind: z.literal('nth_weekday'),
    ...holidayFields,
    weekday: z.int().min(0).max(6).describe('0 Sunday ... 6 Saturday'),
    nth: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(-1)]).describe('-1: the last in the month'),
  }),
]);
export type HolidayRule = z.infer<typeof HolidayRuleSchema>;

/** Whether a runtime knows an IANA time zone (Intl throws a RangeError otherwise). */
function knownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export const BusinessCalendarSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  timeZone: z
    .string()
    .refine(knownTimeZone, 'must be an IANA time zone, e.g. America/New_York')
    .describe('Where a business day begins and ends'),
  weekend: z.array(z.int().min(0).max(6)).max(6).describe('Weekdays that are never business days (0 Sunday ... 6 Saturday)'),
  holidays: z.array(HolidayRuleSchema).max(50),
  closures: z.array(z.iso.date()).max(200).describe('Other days off, e.g. a day a presidential order closes federal offices'),
  source: z.string().max(500).optional(),
});
export type BusinessCalendar = z.infer<typeof BusinessCalendarSchema>;

const fixed = (name: string, month: number, day: number, fromYear?: number): HolidayRule => ({
  kind: 'fixed_date',
  name,
  month,
  day,
  observed: true,
  ...(fromYear ? { fromYear } : {}),
});
const nth = (name: string, month: number, weekday: number, n: 1 | 2 | 3 | 4 | -1, fromYear?: number): HolidayRule => ({
  kind: 'nth_weekday',
  name,
  month,
  weekday,
  nth: n,
  ...(fromYear ? { fromYear } : {}),
});

/**
 * The eleven legal public holidays of 5 U.S.C. 6103(a), observed on the Friday before or the
 * Monday after when they fall on a weekend. Inauguration Day (Washington, D.C. area only) is left
 * out; add it, or a one-off closure, as data.
 */
export const US_FEDERAL_CALENDAR: BusinessCalendar = {
  name: 'US federal holidays',
  timeZone: 'America/New_York',
  weekend: [0, 6],
  holidays: [
    fixed("New Year's Day", 1, 1),
    nth('Birthday of Martin Luther King, Jr.', 1, 1, 3, 1986),
    nth("Washington's Birthday", 2, 1, 3),
    nth('Memorial Day', 5, 1, -1),
    fixed('Juneteenth National Independence Day', 6, 19, 2021),
    fixed('Independence Day', 7, 4),
    nth('Labor Day', 9, 1, 1),
    nth('Columbus Day', 10, 1, 2),
    fixed('Veterans Day', 11, 11),
    nth('Thanksgiving Day', 11, 4, 4),
    fixed('Christmas Day', 12, 25),
  ],
  closures: [],
  source: '5 U.S.C. 6103; observed dates per 5 U.S.C. 6103(b) and Executive Order 11582',
};

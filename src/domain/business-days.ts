import type { BusinessCalendar, HolidayRule } from '../contracts/business-calendar';

/**
 * Business-day arithmetic on a calendar held as data. A day is a calendar date in the calendar's
 * time zone, never a UTC date: a filing late on a Friday evening in New York is a Saturday in UTC,
 * and counting from the UTC date is how one business day becomes three. Pure (Intl only), so the
 * case workflow can use it.
 */

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a time zone. */
function wallClock(instant: number, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  return fields;
}

/** How far a time zone's wall clock is ahead of UTC at an instant (ms; negative west of Greenwich). */
function offsetAt(instant: number, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const wall = utcOf({ year: w.year, month: w.month, day: w.day }) + ((w.hour * 60 + w.minute) * 60 + w.second) * 1000;
  return wall - Math.floor(instant / 1000) * 1000;
}

/** Midnight UTC of a calendar date (years before 100 included, which Date.UTC would shift by 1900). */
function utcOf(date: LocalDate): number {
  const d = new Date(0);
  d.setUTCFullYear(date.year, date.month - 1, date.day);
  return d.getTime();
}

function dateOfUtc(ms: number): LocalDate {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export const isoDate = ({ year, month, day }: LocalDate): string =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

const nextDay = (date: LocalDate): LocalDate => dateOfUtc(utcOf(date) + DAY_MS);
const weekdayOf = (date: LocalDate): number => new Date(utcOf(date)).getUTCDay();

/** The calendar date an instant falls on in a time zone. */
export function localDateOf(instant: number, timeZone: string): LocalDate {
  const { year, month, day } = wallClock(instant, timeZone);
  return { year, month, day };
}

/** The first instant of a calendar date in a time zone (its midnight, or the first hour it has). */
export function startOfLocalDay(date: LocalDate, timeZone: string): number {
  const guess = utcOf(date);
  const first = guess - offsetAt(guess, timeZone);
  const second = guess - offsetAt(first, timeZone);
  return isoDate(localDateOf(second, timeZone)) === isoDate(date) ? second : first;
}

/** The date a holiday rule gives in a year (before any weekend shift), or null when it has none. */
function ruleDate(rule: HolidayRule, year: number): LocalDate | null {
  if ((rule.fromYear && year < rule.fromYear) || (rule.untilYear && year > rule.untilYear)) return null;
  if (rule.kind === 'fixed_date') {
    const date = { year, month: rule.month, day: rule.day };
    return dateOfUtc(utcOf(date)).month === rule.month ? date : null;
  }
  if (rule.nth > 0) {
    const firstWeekday = weekdayOf({ year, month: rule.month, day: 1 });
    return { year, month: rule.month, day: 1 + ((rule.weekday - firstWeekday + 7) % 7) + (rule.nth - 1) * 7 };
  }
  const last = dateOfUtc(utcOf({ year, month: rule.month + 1, day: 1 }) - DAY_MS);
  return { ...last, day: last.day - ((weekdayOf(last) - rule.weekday + 7) % 7) };
}

/** The day a holiday is observed: a fixed date on a Saturday moves to Friday, on a Sunday to Monday. */
function observedDate(rule: HolidayRule, year: number): LocalDate | null {
  const date = ruleDate(rule, year);
  if (!date || rule.kind !== 'fixed_date' || !rule.observed) return date;
  const shift = { 6: -1, 0: 1 }[weekdayOf(date)] ?? 0;
  return dateOfUtc(utcOf(date) + shift * DAY_MS);
}

/**
 * The days off a calendar has in a year, by ISO date: observed holidays (a New Year's Day on a
 * Saturday is observed on 31 December of the year before, so neighbouring years are looked at)
 * and closures.
 */
export function holidaysIn(year: number, calendar: BusinessCalendar): Map<string, string> {
  const days = new Map<string, string>();
  for (const rule of calendar.holidays) {
    for (const y of [year - 1, year, year + 1]) {
      const date = observedDate(rule, y);
      if (date?.year === year) days.set(isoDate(date), rule.name);
    }
  }
  for (const closure of calendar.closures) if (closure.startsWith(`${String(year).padStart(4, '0')}-`)) days.set(closure, 'closure');
  return days;
}

/** Whether a date is a business day on the calendar: not a weekend day, a holiday or a closure. */
export function isBusinessDay(date: LocalDate, calendar: BusinessCalendar, holidays = holidaysIn(date.year, calendar)): boolean {
  return !calendar.weekend.includes(weekdayOf(date)) && !holidays.has(isoDate(date));
}

/**
 * The deadline "within `days` business days of `from`": the end of the `days`-th business day
 * after the day `from` falls on (that day itself never counts, business day or not), as the first
 * instant of the following day in the calendar's time zone. Epoch ms.
 */
export function addBusinessDays(from: number, days: number, calendar: BusinessCalendar): number {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`A business-day duration is a whole number from 1, not ${days}`);
  const byYear = new Map<number, Map<string, string>>();
  const holidays = (year: number) => byYear.get(year) ?? byYear.set(year, holidaysIn(year, calendar)).get(year)!;
  let date = localDateOf(from, calendar.timeZone);
  for (let counted = 0, guard = 0; counted < days; guard += 1) {
    if (guard > 3660) throw new RangeError(`The calendar ${calendar.name} has no business day within ten years`);
    date = nextDay(date);
    if (isBusinessDay(date, calendar, holidays(date.year))) counted += 1;
  }
  return startOfLocalDay(nextDay(date), calendar.timeZone);
}

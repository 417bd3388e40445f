/**
 * Times for a person: in the viewer's own time zone (the browser's, unless one is given), relative
 * to now, with the absolute time kept for a tooltip. Pure: `now` and the zone are parameters.
 */

export interface ZoneOptions {
  locale?: string;
  timeZone?: string;
}

/** "30 Nov 2026, 14:05 CET": the absolute time in the viewer's zone, with the zone named. */
export function formatDateTime(iso: string, { locale, timeZone }: ZoneOptions = {}): string {
  // dateStyle and timeStyle cannot be combined with timeZoneName: the fields are spelled out.
  const fields = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' } as const;
  return new Intl.DateTimeFormat(locale, { ...fields, timeZone }).format(new Date(iso));
}

/** "30 Nov 2026": the date alone, in the viewer's zone. */
export function formatDate(iso: string, { locale, timeZone }: ZoneOptions = {}): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }).format(new Date(iso));
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 hours ago", "in 2 days", "now": the largest whole unit. */
export function formatRelative(iso: string, now: Date, locale?: string): string {
  const delta = new Date(iso).getTime() - now.getTime();
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, ms] of UNITS) {
    if (Math.abs(delta) >= ms) return format.format(Math.trunc(delta / ms), unit);
  }
  return format.format(0, 'minute');
}

/** "2 d 4 h" or "35 min": a duration, its two largest units. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return mins > 0 ? `${hours} h ${mins} min` : `${hours} h`;
  return `${mins} min`;
}

export interface TimeLeft {
  ms: number;
  overdue: boolean;
  /** "2 d 4 h left" or "overdue by 5 h". */
  text: string;
}

/** Time until a due time, or how far past it. */
export function timeLeft(dueIso: string, now: Date): TimeLeft {
  const ms = new Date(dueIso).getTime() - now.getTime();
  const overdue = ms < 0;
  return { ms, overdue, text: overdue ? `overdue by ${formatDuration(ms)}` : `${formatDuration(ms)} left` };
}

/** Whole days from one time to another (or to now): days in care as a person counts them. */
export function wholeDays(fromIso: string, to: Date): number {
  return Math.floor((to.getTime() - new Date(fromIso).getTime()) / 86_400_000);
}

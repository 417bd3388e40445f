import { z } from 'zod';

/**
 * HHS's daily counts of the Unaccompanied Children Program (hhs-uc-daily.csv beside this file; its
 * README gives the source and caveats): parsing, and the daily admissions the simulator is fed.
 */

const count = z.coerce.number().int().min(0);

export const HhsRowSchema = z.strictObject({
  date: z.iso.date(),
  cbp_apprehended: count,
  cbp_in_custody: count,
  transferred_to_hhs: count,
  hhs_in_care: count,
  hhs_discharged: count,
});
export type HhsRow = z.infer<typeof HhsRowSchema>;

const COLUMNS = Object.keys(HhsRowSchema.shape);

export class HhsDataError extends Error {
  override readonly name = 'HhsDataError';
}

/** Parses the CSV; a bad line is an error naming the line, the column and why. */
export function parseHhsCsv(text: string): HhsRow[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines[0]?.split(',').map((h) => h.trim());
  if (!header || header.join(',') !== COLUMNS.join(',')) {
    throw new HhsDataError(`line 1: expected the header ${COLUMNS.join(',')}, found ${lines[0] ?? '(empty file)'}`);
  }
  const rows: HhsRow[] = [];
  lines.slice(1).forEach((line, i) => {
    const cells = line.split(',');
    const parsed = HhsRowSchema.safeParse(Object.fromEntries(COLUMNS.map((c, k) => [c, cells[k]?.trim()])));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new HhsDataError(`line ${i + 2}: ${String(issue.path[0] ?? 'row')}: ${issue.message}`);
    }
    if (rows.length > 0 && rows.at(-1)!.date >= parsed.data.date) {
      throw new HhsDataError(`line ${i + 2}: date ${parsed.data.date} is not after ${rows.at(-1)!.date}`);
    }
    rows.push(parsed.data);
  });
  return rows;
}

/**
 * Periods in which the transfers column repeats earlier values (README, "Caveats"): transfers there
 * are not used; arrivals are derived from the change in children in care plus discharges.
 */
export const REPEATED_TRANSFER_BLOCKS: readonly (readonly [string, string])[] = [
  ['2023-06-20', '2023-10-31'],
  ['2023-11-27', '2024-01-24'],
  ['2024-06-26', '2024-07-25'],
  ['2024-09-19', '2025-02-12'],
];

export const inRepeatedBlock = (date: string): boolean => REPEATED_TRANSFER_BLOCKS.some(([from, to]) => from <= date && date <= to);

export const DAY_MS = 86_400_000;
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/** Rows by date, and the reported days around a calendar day. */
export class HhsSeries {
  private readonly byDate = new Map<string, HhsRow>();

  constructor(readonly rows: readonly HhsRow[]) {
    for (const row of rows) this.byDate.set(row.date, row);
  }

  get(date: string): HhsRow | undefined {
    return this.byDate.get(date);
  }

  /** The last reported day strictly before `date`, and the first on or after it. */
  around(date: string): { before: HhsRow; after: HhsRow } {
    const after = this.rows.find((r) => r.date >= date);
    const before = [...this.rows].reverse().find((r) => r.date < date);
    if (!before || !after)
      throw new HhsDataError(`${date} is outside the reported days (${this.rows[0]?.date} to ${this.rows.at(-1)?.date})`);
    return { before, after };
  }

  /** A column on any calendar day: the reported value, or a straight line between the reported days around it. */
  value(date: string, column: 'transferred_to_hhs' | 'hhs_discharged' | 'hhs_in_care'): number {
    const row = this.get(date);
    if (row) return row[column];
    const { before, after } = this.around(date);
    const share = daysBetween(before.date, date) / daysBetween(before.date, after.date);
    return before[column] + (after[column] - before[column]) * share;
  }

  reportedIn(from: string, to: string): HhsRow[] {
    return this.rows.filter((r) => r.date >= from && r.date <= to);
  }
}

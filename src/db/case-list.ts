import type { CaseStatus } from '../contracts/case-status';
import { CaseStatusSchema } from '../contracts/case-status';
import type { CaseList, CaseSort, CaseSummary } from '../contracts/read-model';
import { summaryLevel } from '../domain/deadlines';
import { encodeCaseCursor } from './cursor';
import type { PrismaClient } from './generated/client';
import { Prisma } from './generated/client';
import type { CaseFilter, CasePageRequest } from './queries';

/**
 * GET /cases in one SQL statement: the filters, the sort (least time left, days in care or
 * admission) and a keyset page. Every page of a list is measured at the first page's instant
 * (its cursor keeps it), so days in care and deadline levels do not shift under the paging.
 */

const DAY_MS = 86_400_000;

interface CaseRow {
  id: string;
  status: CaseStatus;
  care_provider_id: string;
  sponsor_category: string | null;
  admitted_at: Date;
  released_at: Date | null;
  discharged_at: Date | null;
  updated_at: Date;
  assignee_id: string | null;
  policy_profile: string | null;
  next_deadline_at: Date | null;
  next_deadline_label: string | null;
  at_risk_at: Date | null;
  sort_key: number | null;
}

/**
 * Each sort's column (the raw column where there is one, so that its index serves the order and the
 * keyset), and its key in epoch ms for the cursor. Days in care is measured at the list's instant.
 */
function sortColumn(sort: CaseSort, asOf: Date): { column: Prisma.Sql; keyMs: Prisma.Sql; toParam: (key: number) => unknown } {
  if (sort === 'days_in_care') {
    const days = Prisma.sql`(EXTRACT(EPOCH FROM COALESCE(c.discharged_at, ${asOf}::timestamptz) - c.admitted_at) * 1000)::float8`;
    return { column: days, keyMs: days, toParam: (key) => key };
  }
  const column = sort === 'least_time_left' ? Prisma.sql`c.next_deadline_at` : Prisma.sql`c.admitted_at`;
  return { column, keyMs: Prisma.sql`(EXTRACT(EPOCH FROM ${column}) * 1000)::float8`, toParam: (key) => new Date(key) };
}

function filters(f: CaseFilter, asOf: Date): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (f.status?.length) where.push(Prisma.sql`c.status IN (${Prisma.join(f.status)})`);
  if (f.careProviderId) where.push(Prisma.sql`c.care_provider_id = ${f.careProviderId}`);
  // The column itself (not COALESCE), so that the planner knows from its statistics how many match.
  if (f.category === 'none') where.push(Prisma.sql`(c.sponsor_category IS NULL OR c.sponsor_category = 'none')`);
  else if (f.category) where.push(Prisma.sql`c.sponsor_category = ${f.category}`);
  if (f.assigneeId) where.push(Prisma.sql`c.assignee_id = ${f.assigneeId}`);
  const days = Prisma.sql`(COALESCE(c.discharged_at, ${asOf}::timestamptz) - c.admitted_at)`;
  if (f.minDaysInCare !== undefined) where.push(Prisma.sql`${days} >= ${f.minDaysInCare * DAY_MS} * interval '1 millisecond'`);
  if (f.maxDaysInCare !== undefined) where.push(Prisma.sql`${days} <= ${f.maxDaysInCare * DAY_MS} * interval '1 millisecond'`);
  if (f.level?.length)
    where.push(
      Prisma.sql`(${Prisma.join(
        f.level.map((level) => levelIs(level, asOf)),
        ' OR ',
      )})`,
    );
  if (f.deadlineBefore) where.push(Prisma.sql`c.next_deadline_at < ${f.deadlineBefore}`);
  if (f.text) where.push(Prisma.sql`c.id ILIKE ${`%${f.text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`}`);
  return where;
}

/** A level as a condition on the row's deadline summary at `asOf` (see summaryLevel). */
function levelIs(level: string, asOf: Date): Prisma.Sql {
  if (level === 'breached') return Prisma.sql`c.next_deadline_at <= ${asOf}`;
  if (level === 'at_risk') return Prisma.sql`(c.next_deadline_at > ${asOf} AND c.at_risk_at <= ${asOf})`;
  return Prisma.sql`(c.next_deadline_at > ${asOf} AND c.at_risk_at > ${asOf})`;
}

const COLUMNS = Prisma.sql`c.id, c.status, c.care_provider_id, c.sponsor_category, c.admitted_at, c.released_at, c.discharged_at,
  c.updated_at, c.assignee_id, c.policy_profile, c.next_deadline_at, c.next_deadline_label, c.at_risk_at`;

export async function listCases(prisma: PrismaClient, filter: CaseFilter, page: CasePageRequest): Promise<CaseList> {
  const asOf = new Date(page.after?.asOf ?? Date.now());
  const where = filters(filter, asOf);
  const rows =
    page.sort === 'days_in_care' ? await byDaysInCare(prisma, filter, where, page, asOf) : await byColumn(prisma, where, page, asOf);
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map((row) => caseSummary(row, asOf)),
    nextCursor:
      rows.length > page.limit && last
        ? encodeCaseCursor({ sort: page.sort, key: last.sort_key, id: last.id, asOf: asOf.getTime() })
        : null,
    asOf: asOf.toISOString(),
  };
}

/** Up to `limit + 1` rows by admission or least time left: a column its index serves in order and in the keyset. */
async function byColumn(prisma: PrismaClient, where: Prisma.Sql[], page: CasePageRequest, asOf: Date): Promise<CaseRow[]> {
  const { column, keyMs, toParam } = sortColumn(page.sort, asOf);
  const direction = page.order === 'asc' ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const beyond = page.order === 'asc' ? Prisma.sql`>` : Prisma.sql`<`;
  const read = (conditions: Prisma.Sql[], take: number) =>
    prisma.$queryRaw<CaseRow[]>`
      SELECT ${COLUMNS}, ${keyMs} AS sort_key FROM cases c
      WHERE ${Prisma.join([Prisma.sql`TRUE`, ...where, ...conditions], ' AND ')}
      ORDER BY ${column} ${direction}, c.id ${direction}
      LIMIT ${take}`;
  // Rows with a key, after the cursor (a row comparison the index serves), then (only for the
  // deadline sort) the cases without a deadline, last whichever the order.
  const after = page.after;
  const keyed =
    after?.key === null
      ? []
      : await read(
          [
            Prisma.sql`${column} IS NOT NULL`,
            ...(after ? [Prisma.sql`(${column}, c.id) ${beyond} (${toParam(after.key!)}, ${after.id})`] : []),
          ],
          page.limit + 1,
        );
  if (keyed.length > page.limit || page.sort !== 'least_time_left') return keyed;
  return [
    ...keyed,
    ...(await read(
      [Prisma.sql`${column} IS NULL`, ...(after?.key === null ? [Prisma.sql`c.id ${beyond} ${after.id}`] : [])],
      page.limit + 1 - keyed.length,
    )),
  ];
}

const STAY = Prisma.sql`(c.discharged_at - c.admitted_at)`;
const ms = (n: number) => Prisma.sql`(${n}::float8 * interval '1 millisecond')`;

/**
 * Up to `limit + 1` rows by days in care. The days depend on the list's instant, so no index holds
 * them; but among cases still in care they follow admission (longest: admitted first), and a
 * discharged case's stay is fixed. So each half is read in the order of its own partial index
 * (migration 20261201000000_read_path_indexes), a page at most, and the two merged: a page costs
 * a page, not a sort of every case. Each half also keeps the exact conditions the single query had
 * (the keyset on the computed days, the days filters), so the rows and their order are the same.
 */
async function byDaysInCare(
  prisma: PrismaClient,
  filter: CaseFilter,
  where: Prisma.Sql[],
  page: CasePageRequest,
  asOf: Date,
): Promise<CaseRow[]> {
  const { column: days } = sortColumn('days_in_care', asOf);
  const desc = page.order === 'desc';
  const direction = desc ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const key = page.after?.key ?? undefined;
  const after =
    page.after && key !== undefined ? [Prisma.sql`(${days}, c.id) ${desc ? Prisma.sql`<` : Prisma.sql`>`} (${key}, ${page.after.id})`] : [];
  // In care: days = asOf - admission. Bounds on admission (1 ms wide of exact) let the index range.
  const admittedBy = (daysMs: number, slack: number) => Prisma.sql`${asOf}::timestamptz - ${ms(daysMs + slack)}`;
  const inCare = [
    Prisma.sql`c.discharged_at IS NULL`,
    ...(key === undefined
      ? []
      : [desc ? Prisma.sql`c.admitted_at >= ${admittedBy(key, 1)}` : Prisma.sql`c.admitted_at <= ${admittedBy(key, -1)}`]),
    ...(filter.minDaysInCare === undefined ? [] : [Prisma.sql`c.admitted_at <= ${admittedBy(filter.minDaysInCare * DAY_MS, -1)}`]),
    ...(filter.maxDaysInCare === undefined ? [] : [Prisma.sql`c.admitted_at >= ${admittedBy(filter.maxDaysInCare * DAY_MS, 1)}`]),
  ];
  // Discharged: days = the stay, which the expression index orders.
  const discharged = [
    Prisma.sql`c.discharged_at IS NOT NULL`,
    ...(page.after && key !== undefined
      ? [Prisma.sql`(${STAY}, c.id) ${desc ? Prisma.sql`<=` : Prisma.sql`>=`} (${ms(key)}, ${page.after.id})`]
      : []),
    ...(filter.minDaysInCare === undefined ? [] : [Prisma.sql`${STAY} >= ${ms(filter.minDaysInCare * DAY_MS - 1)}`]),
    ...(filter.maxDaysInCare === undefined ? [] : [Prisma.sql`${STAY} <= ${ms(filter.maxDaysInCare * DAY_MS + 1)}`]),
  ];
  const take = page.limit + 1;
  const half = (conditions: Prisma.Sql[], order: Prisma.Sql) => Prisma.sql`(
      SELECT ${COLUMNS}, ${days} AS sort_key FROM cases c
      WHERE ${Prisma.join([...where, ...after, ...conditions], ' AND ')}
      ORDER BY ${order}
      LIMIT ${take})`;
  const inCareOrder = desc ? Prisma.sql`c.admitted_at ASC, c.id DESC` : Prisma.sql`c.admitted_at DESC, c.id ASC`;
  return prisma.$queryRaw<CaseRow[]>`
    SELECT * FROM (${half(inCare, inCareOrder)} UNION ALL ${half(discharged, Prisma.sql`${STAY} ${direction}, c.id ${direction}`)}) AS c
    ORDER BY c.sort_key ${direction}, c.id ${direction}
    LIMIT ${take}`;
}

function caseSummary(row: CaseRow, asOf: Date): CaseSummary {
  const end = row.discharged_at?.getTime() ?? asOf.getTime();
  const deadlines = {
    nextDeadlineAt: row.next_deadline_at?.toISOString() ?? null,
    nextDeadlineLabel: row.next_deadline_label,
    atRiskAt: row.at_risk_at?.toISOString() ?? null,
  };
  return {
    caseId: row.id,
    status: CaseStatusSchema.parse(row.status),
    careProviderId: row.care_provider_id,
    sponsorCategory: row.sponsor_category,
    admittedAt: row.admitted_at.toISOString(),
    releasedAt: row.released_at?.toISOString() ?? null,
    daysInCare: Math.round(((end - row.admitted_at.getTime()) / DAY_MS) * 10) / 10,
    updatedAt: row.updated_at.toISOString(),
    assigneeId: row.assignee_id,
    policyProfile: row.policy_profile,
    dischargedAt: row.discharged_at?.toISOString() ?? null,
    nextDeadline: deadlines.nextDeadlineAt ? { at: deadlines.nextDeadlineAt, label: deadlines.nextDeadlineLabel } : null,
    level: summaryLevel(deadlines, asOf.getTime()),
  };
}

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

/** Each sort's key in epoch ms (days in care: elapsed ms), and whether it can be null. */
function sortKey(sort: CaseSort, asOf: Date): Prisma.Sql {
  if (sort === 'least_time_left') return Prisma.sql`(EXTRACT(EPOCH FROM c.next_deadline_at) * 1000)::float8`;
  if (sort === 'days_in_care')
    return Prisma.sql`(EXTRACT(EPOCH FROM COALESCE(c.discharged_at, ${asOf}::timestamptz) - c.admitted_at) * 1000)::float8`;
  return Prisma.sql`(EXTRACT(EPOCH FROM c.admitted_at) * 1000)::float8`;
}

function filters(f: CaseFilter, asOf: Date): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (f.status?.length) where.push(Prisma.sql`c.status IN (${Prisma.join(f.status)})`);
  if (f.careProviderId) where.push(Prisma.sql`c.care_provider_id = ${f.careProviderId}`);
  if (f.category) where.push(Prisma.sql`COALESCE(c.sponsor_category, 'none') = ${f.category}`);
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

/** Rows after the cursor in (key, id) order; a null key (no deadline) sorts last either way. */
function keyset(key: Prisma.Sql, page: CasePageRequest): Prisma.Sql[] {
  const after = page.after;
  if (!after) return [];
  const beyond = page.order === 'asc' ? Prisma.sql`>` : Prisma.sql`<`;
  if (after.key === null) return [Prisma.sql`(${key} IS NULL AND c.id ${beyond} ${after.id})`];
  return [Prisma.sql`(${key} ${beyond} ${after.key} OR (${key} = ${after.key} AND c.id ${beyond} ${after.id}) OR ${key} IS NULL)`];
}

export async function listCases(prisma: PrismaClient, filter: CaseFilter, page: CasePageRequest): Promise<CaseList> {
  const asOf = new Date(page.after?.asOf ?? Date.now());
  const key = sortKey(page.sort, asOf);
  const where = [...filters(filter, asOf), ...keyset(key, page)];
  const direction = page.order === 'asc' ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const rows = await prisma.$queryRaw<CaseRow[]>`
    SELECT c.id, c.status, c.care_provider_id, c.sponsor_category, c.admitted_at, c.released_at, c.discharged_at, c.updated_at,
           c.assignee_id, c.policy_profile, c.next_deadline_at, c.next_deadline_label, c.at_risk_at, ${key} AS sort_key
    FROM cases c
    ${where.length ? Prisma.sql`WHERE ${Prisma.join(where, ' AND ')}` : Prisma.empty}
    ORDER BY ${key} ${direction} NULLS LAST, c.id ${direction}
    LIMIT ${page.limit + 1}`;
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

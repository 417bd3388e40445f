import type { AlertLevel } from '../contracts/alerts';
import { AlertLevelSchema, AlertRuleSchema } from '../contracts/alerts';
import type { SponsorCategory } from '../contracts/case-events';
import type { CaseStatus } from '../contracts/case-status';
import { CaseStatusSchema } from '../contracts/case-status';
import type { AlertView, CaseSummary, Page } from '../contracts/read-model';
import type { Cursor } from './cursor';
import { encodeCursor } from './cursor';
import type { Alert, Case, Prisma, PrismaClient } from './generated/client';

/**
 * The read model as the API reads it: lookups, and lists paged by keyset (a cursor of the last
 * row's sort time and id, so a page never skips or repeats a row when rows are added meanwhile).
 */
export interface ReadModel {
  /** A case the read model knows (it lags its workflow by a moment), with its care provider. */
  findCase(caseId: string): Promise<{ careProviderId: string } | undefined>;
  /** Oldest admission first. */
  listCases(filter: CaseFilter, page: PageRequest): Promise<Page<CaseSummary>>;
  /** Newest first. */
  listAlerts(filter: AlertFilter, page: PageRequest): Promise<Page<AlertView>>;
  findAlert(alertId: string): Promise<AlertView | undefined>;
  /** The id of the latest alert event (0 when none). */
  lastAlertEventId(): Promise<bigint>;
  /** Alert events after an id in commit order, only one care provider's when given. */
  alertEventsAfter(lastId: bigint, careProviderId: string | undefined, take: number): Promise<AlertEventView[]>;
}

export interface PageRequest {
  limit: number;
  after?: Cursor;
}
export interface CaseFilter {
  status?: CaseStatus;
  careProviderId?: string;
}
export interface AlertFilter {
  /** true: only alerts not yet resolved; false: only resolved ones. */
  open?: boolean;
  level?: AlertLevel;
  careProviderId?: string;
  category?: SponsorCategory;
}
export interface AlertEventView {
  id: bigint;
  type: string;
  at: string;
  alert: AlertView;
}

const DAY_MS = 86_400_000;

export function prismaReadModel(prisma: PrismaClient): ReadModel {
  return {
    findCase: async (caseId) => (await prisma.case.findUnique({ where: { id: caseId }, select: { careProviderId: true } })) ?? undefined,
    listCases: ({ status, careProviderId }, { limit, after }) =>
      paged(
        (take) =>
          prisma.case.findMany({
            where: {
              ...(status ? { status } : {}),
              ...(careProviderId ? { careProviderId } : {}),
              ...keysetAfter<Prisma.CaseWhereInput>('admittedAt', after, 'asc'),
            },
            orderBy: [{ admittedAt: 'asc' }, { id: 'asc' }],
            take,
          }),
        limit,
        (row) => ({ at: row.admittedAt, id: row.id }),
        caseSummary,
      ),
    listAlerts: (filter, { limit, after }) =>
      paged(
        (take) =>
          prisma.alert.findMany({
            where: { ...alertWhere(filter), ...keysetAfter<Prisma.AlertWhereInput>('firedAt', after, 'desc') },
            orderBy: [{ firedAt: 'desc' }, { id: 'desc' }],
            take,
          }),
        limit,
        (row) => ({ at: row.firedAt, id: row.id }),
        alertView,
      ),
    findAlert: async (alertId) => {
      const row = await prisma.alert.findUnique({ where: { id: alertId } });
      return row ? alertView(row) : undefined;
    },
    lastAlertEventId: async () => (await prisma.alertEvent.findFirst({ orderBy: { id: 'desc' }, select: { id: true } }))?.id ?? 0n,
    alertEventsAfter: async (lastId, careProviderId, take) => {
      const events = await prisma.alertEvent.findMany({
        where: { id: { gt: lastId }, ...(careProviderId ? { alert: { careProviderId } } : {}) },
        orderBy: { id: 'asc' },
        take,
        include: { alert: true },
      });
      return events.map((event) => ({ id: event.id, type: event.type, at: event.at.toISOString(), alert: alertView(event.alert) }));
    },
  };
}

/** A page of `limit` rows (one more is read to learn whether another page follows) and the next cursor. */
async function paged<Row, Item>(
  read: (take: number) => Promise<Row[]>,
  limit: number,
  keyOf: (row: Row) => Cursor,
  view: (row: Row) => Item,
): Promise<Page<Item>> {
  const rows = await read(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(view), nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}

/** Rows after the cursor in (time, id) order, ascending or descending; ties on time go by id. */
function keysetAfter<Where>(timeField: string, cursor: Cursor | undefined, direction: 'asc' | 'desc'): Where | Record<string, never> {
  if (!cursor) return {};
  const beyond = direction === 'asc' ? 'gt' : 'lt';
  return { OR: [{ [timeField]: { [beyond]: cursor.at } }, { [timeField]: cursor.at, id: { [beyond]: cursor.id } }] } as Where;
}

function alertWhere({ open, level, careProviderId, category }: AlertFilter): Prisma.AlertWhereInput {
  return {
    ...(open === undefined ? {} : { resolvedAt: open ? null : { not: null } }),
    ...(level ? { level } : {}),
    ...(careProviderId ? { careProviderId } : {}),
    ...(category ? { sponsorCategory: category } : {}),
  };
}

function caseSummary(row: Case): CaseSummary {
  const end = row.releasedAt?.getTime() ?? Date.now();
  return {
    caseId: row.id,
    status: CaseStatusSchema.parse(row.status),
    careProviderId: row.careProviderId,
    sponsorCategory: row.sponsorCategory,
    admittedAt: row.admittedAt.toISOString(),
    releasedAt: row.releasedAt?.toISOString() ?? null,
    daysInCare: Math.round(((end - row.admittedAt.getTime()) / DAY_MS) * 10) / 10,
    updatedAt: row.updatedAt.toISOString(),
  };
}

function alertView(row: Alert): AlertView {
  return {
    id: row.id,
    caseId: row.caseId,
    careProviderId: row.careProviderId,
    sponsorCategory: row.sponsorCategory,
    rule: AlertRuleSchema.parse(row.rule),
    chain: row.chain,
    kind: row.kind,
    repeat: row.repeat,
    level: AlertLevelSchema.parse(row.level),
    message: row.message,
    dueAt: row.dueAt.toISOString(),
    firedAt: row.firedAt.toISOString(),
    acknowledged:
      row.acknowledgedAt && row.acknowledgedById
        ? {
            at: row.acknowledgedAt.toISOString(),
            by: { id: row.acknowledgedById, role: row.acknowledgedByRole ?? 'unknown' },
            note: row.ackNote,
          }
        : null,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
  };
}

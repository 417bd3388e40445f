import type { AlertLevel } from '../contracts/alerts';
import { AlertLevelSchema, AlertRuleSchema } from '../contracts/alerts';
import type { CategoryGroup } from '../contracts/analytics';
import type { SponsorCategory } from '../contracts/case-events';
import type { CaseStatus } from '../contracts/case-status';
import type { DeadlineLevel } from '../contracts/deadlines';
import type { AlertView, CaseList, CaseSort, Page } from '../contracts/read-model';
import { readAlerts } from './alert-list';
import { listCases } from './case-list';
import type { CaseCursor, Cursor } from './cursor';
import { encodeCursor } from './cursor';
import type { Alert, PrismaClient } from './generated/client';
import { Prisma } from './generated/client';

/**
 * The read model as the API reads it: lookups, and lists paged by keyset (a cursor of the last
 * row's sort time and id, so a page never skips or repeats a row when rows are added meanwhile).
 */
export interface ReadModel {
  /** A case the read model knows (it lags its workflow by a moment), with its care provider. */
  findCase(caseId: string): Promise<{ careProviderId: string } | undefined>;
  /** Filtered and sorted (oldest admission first by default), a page at a time. */
  listCases(filter: CaseFilter, page: CasePageRequest): Promise<CaseList>;
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
  /** Any of these statuses (stages). */
  status?: CaseStatus[];
  careProviderId?: string;
  category?: CategoryGroup;
  assigneeId?: string;
  minDaysInCare?: number;
  maxDaysInCare?: number;
  /** Any of these levels, at the list's asOf. */
  level?: DeadlineLevel[];
  /** Cases whose next deadline is due before this instant (breached ones included). */
  deadlineBefore?: Date;
  /** Part of the case id, any case. */
  text?: string;
}
export interface CasePageRequest {
  limit: number;
  sort: CaseSort;
  order: 'asc' | 'desc';
  after?: CaseCursor;
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

/**
 * The scope check before every transition (issue 18): in plain SQL, because Prisma's query
 * compiler spends more CPU planning a findUnique than the database spends answering it (measured:
 * about 620 against 330 µs of the API's CPU a lookup).
 */
async function findCase(prisma: PrismaClient, caseId: string): Promise<{ careProviderId: string } | undefined> {
  const rows = await prisma.$queryRaw<{ careProviderId: string }[]>(
    Prisma.sql`SELECT care_provider_id AS "careProviderId" FROM cases WHERE id = ${caseId}`,
  );
  return rows[0];
}

export function prismaReadModel(prisma: PrismaClient): ReadModel {
  return {
    findCase: (caseId) => findCase(prisma, caseId),
    listCases: (filter, page) => listCases(prisma, filter, page),
    listAlerts: (filter, { limit, after }) =>
      paged(
        (take) => readAlerts(prisma, filter, after, take),
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

import type { Cursor } from '../../src/db/cursor';
import { decodeCaseCursor, decodeCursor } from '../../src/db/cursor';
import type { CaseFilter } from '../../src/db/queries';
import { prismaReadModel } from '../../src/db/queries';
import { alertRow } from '../helpers/rows';
import { useTestDatabase } from '../helpers/test-db';

jest.setTimeout(60_000);

/**
 * The read path's index-served query shapes on the real database: the days-in-care sort read as two
 * halves (in care by admission, discharged by stay) and merged, and GET /alerts's keyset with its
 * time bound. Every page, in both orders and under the days filters, must hold exactly the rows
 * and order of sorting every case at the list's instant, ties included.
 */
const testDb = useTestDatabase();
const DAY = 86_400_000;
const NOW = Date.now();

interface Row {
  id: string;
  admitted: number;
  discharged: number | null;
}

// Ties on purpose: groups of cases admitted at the same instant, and discharged ones whose stay
// equals another's, or equals an in-care case's days so far at whole days.
const ROWS: Row[] = Array.from({ length: 48 }, (_, i) => {
  const admitted = NOW - (Math.floor(i / 3) * 4 + (i % 2)) * DAY;
  const discharged = i % 4 === 0 ? admitted + ((i * 7) % 30) * DAY : i % 4 === 1 ? admitted + 9 * DAY : null;
  return { id: `PAGE-${String(i).padStart(2, '0')}`, admitted, discharged };
});

beforeAll(async () => {
  await testDb.db.prisma.case.createMany({
    data: ROWS.map((r, i) => ({
      id: r.id,
      workflowId: `case-${r.id}`,
      careProviderId: 'P1',
      status: r.discharged === null ? 'vetting' : 'released',
      sponsorCategory: i % 3 === 0 ? null : '1',
      admittedAt: new Date(r.admitted),
      dischargedAt: r.discharged === null ? null : new Date(r.discharged),
      lastSeq: 1,
    })),
  });
  await testDb.db.prisma.alert.createMany({
    data: Array.from({ length: 23 }, (_, i) =>
      alertRow(`ALERT-${String(i).padStart(2, '0')}`, {
        id: `ALERT-${String(i).padStart(2, '0')}:length_of_stay:escalation-0`,
        careProviderId: i % 2 === 0 ? 'P1' : 'P2',
        level: i % 4 === 0 ? 'program_lead' : 'supervisor',
        sponsorCategory: i % 3 === 0 ? '2A' : '1',
        // Groups of three fired at the same instant.
        firedAt: new Date(NOW - Math.floor(i / 3) * 60_000),
        resolvedAt: i % 5 === 0 ? new Date(NOW) : null,
      }),
    ),
  });
});

const readModel = () => prismaReadModel(testDb.db.prisma);

/** Every page of the days-in-care list, `limit` at a time: the ids in order, and the list's instant. */
async function daysInCarePages(filter: CaseFilter, order: 'asc' | 'desc', limit: number): Promise<{ ids: string[]; asOf: number }> {
  const ids: string[] = [];
  let page = await readModel().listCases(filter, { sort: 'days_in_care', order, limit });
  ids.push(...page.items.map((c) => c.caseId));
  while (page.nextCursor) {
    page = await readModel().listCases(filter, { sort: 'days_in_care', order, limit, after: decodeCaseCursor(page.nextCursor)! });
    expect(page.items.length).toBeGreaterThan(0);
    ids.push(...page.items.map((c) => c.caseId));
  }
  return { ids, asOf: Date.parse(page.asOf) };
}

/** The same list by sorting every case at `asOf`. */
function expected({ minDaysInCare, maxDaysInCare }: CaseFilter, order: 'asc' | 'desc', asOf: number): string[] {
  const days = (r: Row) => (r.discharged ?? asOf) - r.admitted;
  const sign = order === 'asc' ? 1 : -1;
  return ROWS.filter(
    (r) =>
      (minDaysInCare === undefined || days(r) >= minDaysInCare * DAY) && (maxDaysInCare === undefined || days(r) <= maxDaysInCare * DAY),
  )
    .sort((a, b) => sign * (days(a) - days(b) || (a.id < b.id ? -1 : 1)))
    .map((r) => r.id);
}

it.each([
  ['longest first', {}, 'desc', 5],
  ['shortest first', {}, 'asc', 7],
  ['one a page', {}, 'desc', 1],
  ['9 to 30 days, longest first', { minDaysInCare: 9, maxDaysInCare: 30 }, 'desc', 4],
  ['at least 9 days, shortest first', { minDaysInCare: 9 }, 'asc', 3],
  ['at most 21 days, longest first', { maxDaysInCare: 21 }, 'desc', 6],
] as const)('sorts by days in care (%s) page by page exactly as sorting every case at asOf would', async (_, filter, order, limit) => {
  const { ids, asOf } = await daysInCarePages(filter, order, limit);
  expect(ids).toEqual(expected(filter, order, asOf));
  expect(ids.length).toBeGreaterThan(0);
});

it('filters category "none" as the cases without a sponsor category', async () => {
  const page = await readModel().listCases({ category: 'none' }, { sort: 'admission', order: 'asc', limit: 500 });
  expect(page.items.map((c) => c.caseId).sort()).toEqual(ROWS.filter((_, i) => i % 3 === 0).map((r) => r.id));
  expect(page.items.every((c) => c.sponsorCategory === null)).toBe(true);
});

it.each([
  ['every alert', {}],
  ['open ones', { open: true }],
  ["one care provider's", { careProviderId: 'P1' }],
  ['resolved ones at program lead level', { open: false, level: 'program_lead' }],
  ["one category's", { category: '2A' }],
] as const)('pages %s newest first through each alert once, ties on the firing time by id', async (_, filter) => {
  const ids: string[] = [];
  let after: Cursor | undefined;
  do {
    const page = await readModel().listAlerts(filter, { limit: 4, ...(after ? { after } : {}) });
    ids.push(...page.items.map((a) => a.id));
    after = page.nextCursor ? decodeCursor(page.nextCursor) : undefined;
  } while (after);
  const rows = await testDb.db.prisma.alert.findMany({
    where: {
      ...('open' in filter ? { resolvedAt: filter.open ? null : { not: null } } : {}),
      ...('level' in filter ? { level: filter.level } : {}),
      ...('careProviderId' in filter ? { careProviderId: filter.careProviderId } : {}),
      ...('category' in filter ? { sponsorCategory: filter.category } : {}),
    },
  });
  const newestFirst = rows.sort((a, b) => b.firedAt.getTime() - a.firedAt.getTime() || (a.id < b.id ? 1 : -1)).map((a) => a.id);
  expect(ids).toEqual(newestFirst);
  expect(ids.length).toBeGreaterThan(1);
});

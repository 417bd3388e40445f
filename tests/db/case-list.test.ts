import type { CaseSort } from '../../src/contracts/read-model';
import { decodeCaseCursor } from '../../src/db/cursor';
import type { CaseFilter } from '../../src/db/queries';
import { prismaReadModel } from '../../src/db/queries';
import { useTestDatabase } from '../helpers/test-db';

jest.setTimeout(60_000);

/** GET /cases's query on the real database: each filter, each sort, paging through nulls, the levels at asOf. */
const testDb = useTestDatabase();
const DAY = 86_400_000;
const NOW = Date.now();
const at = (days: number) => new Date(NOW + days * DAY);

interface Row {
  id: string;
  status: string;
  provider: string;
  category: string | null;
  assignee: string;
  admitted: number;
  discharged?: number;
  next?: [due: number, atRisk: number];
}
const ROWS: Row[] = [
  { id: 'LIST-L1', status: 'intake', provider: 'P1', category: null, assignee: 'cm-a', admitted: -2, next: [1, -0.05] },
  { id: 'LIST-L2', status: 'vetting', provider: 'P1', category: '1', assignee: 'cm-b', admitted: -12, next: [-2, -5] },
  { id: 'LIST-L3', status: 'application', provider: 'P2', category: '2A', assignee: 'cm-a', admitted: -5, next: [3, 1] },
  { id: 'LIST-L4', status: 'closed', provider: 'P2', category: '1', assignee: 'cm-a', admitted: -30, discharged: -20 },
  { id: 'LIST-L5', status: 'released', provider: 'P1', category: '1', assignee: 'cm-b', admitted: -8, discharged: -1, next: [29, 22] },
];

beforeAll(async () => {
  await testDb.db.prisma.case.createMany({
    data: ROWS.map((r) => ({
      id: r.id,
      workflowId: `case-${r.id}`,
      careProviderId: r.provider,
      status: r.status,
      sponsorCategory: r.category,
      admittedAt: at(r.admitted),
      dischargedAt: r.discharged === undefined ? null : at(r.discharged),
      lastSeq: 1,
      assigneeId: r.assignee,
      nextDeadlineAt: r.next ? at(r.next[0]) : null,
      nextDeadlineLabel: r.next ? 'Length of stay, Category 1' : null,
      atRiskAt: r.next ? at(r.next[1]) : null,
    })),
  });
});

const list = (filter: CaseFilter = {}, sort: CaseSort = 'admission', order: 'asc' | 'desc' = 'asc', limit = 50) =>
  prismaReadModel(testDb.db.prisma).listCases(filter, { sort, order, limit });
const ids = async (...args: Parameters<typeof list>) => (await list(...args)).items.map((c) => c.caseId.replace('LIST-', ''));

it('sorts by admission, least time left (no deadline last) and days in care', async () => {
  expect(await ids()).toEqual(['L4', 'L2', 'L5', 'L3', 'L1']);
  expect(await ids({}, 'least_time_left')).toEqual(['L2', 'L1', 'L3', 'L5', 'L4']);
  // Days in care: to discharge (L4 10, L5 7), or so far (L2 12, L3 5, L1 2).
  expect(await ids({}, 'days_in_care', 'desc')).toEqual(['L2', 'L4', 'L5', 'L3', 'L1']);
  expect(await ids({}, 'least_time_left', 'desc')).toEqual(['L5', 'L3', 'L1', 'L2', 'L4']);
});

it('filters by status, category, care provider, assignee, days in care, level, next deadline and part of the id', async () => {
  expect(await ids({ status: ['intake', 'application'] })).toEqual(['L3', 'L1']);
  expect(await ids({ category: '1' })).toEqual(['L4', 'L2', 'L5']);
  expect(await ids({ category: 'none' })).toEqual(['L1']);
  expect(await ids({ careProviderId: 'P2' })).toEqual(['L4', 'L3']);
  expect(await ids({ assigneeId: 'cm-a' })).toEqual(['L4', 'L3', 'L1']);
  expect(await ids({ minDaysInCare: 6, maxDaysInCare: 11 })).toEqual(['L4', 'L5']);
  expect(await ids({ level: ['breached'] })).toEqual(['L2']);
  expect(await ids({ level: ['at_risk', 'breached'] }, 'least_time_left')).toEqual(['L2', 'L1']);
  expect(await ids({ level: ['on_track'] })).toEqual(['L5', 'L3']);
  expect(await ids({ deadlineBefore: at(2) })).toEqual(['L2', 'L1']);
  expect(await ids({ text: 'l3' })).toEqual(['L3']);
  expect(await ids({ text: '%' })).toEqual([]);
  expect(await ids({ careProviderId: 'P1', assigneeId: 'cm-b', level: ['breached'] })).toEqual(['L2']);
});

it('says for each case its assignee, next deadline, level and days in care at asOf', async () => {
  const page = await list({ text: 'L1' });
  expect(page.items[0]).toMatchObject({
    caseId: 'LIST-L1',
    assigneeId: 'cm-a',
    level: 'at_risk',
    daysInCare: 2,
    nextDeadline: { at: at(1).toISOString(), label: 'Length of stay, Category 1' },
  });
  expect((await list({ text: 'L4' })).items[0]).toMatchObject({ daysInCare: 10, level: null, nextDeadline: null });
});

it("pages by cursor through every case once, the ones without a deadline included, all measured at the first page's instant", async () => {
  const seen: string[] = [];
  let after: ReturnType<typeof decodeCaseCursor>;
  let asOf: string | undefined;
  for (let i = 0; i < 5; i += 1) {
    const page = await prismaReadModel(testDb.db.prisma).listCases(
      {},
      { sort: 'least_time_left', order: 'asc', limit: 2, ...(after ? { after } : {}) },
    );
    seen.push(...page.items.map((c) => c.caseId.replace('LIST-', '')));
    asOf ??= page.asOf;
    expect(page.asOf).toBe(asOf);
    if (!page.nextCursor) break;
    after = decodeCaseCursor(page.nextCursor);
  }
  expect(seen).toEqual(['L2', 'L1', 'L3', 'L5', 'L4']);
  const byDays: string[] = [];
  after = undefined;
  for (let i = 0; i < 5; i += 1) {
    const page = await prismaReadModel(testDb.db.prisma).listCases(
      {},
      { sort: 'days_in_care', order: 'desc', limit: 2, ...(after ? { after } : {}) },
    );
    byDays.push(...page.items.map((c) => c.caseId.replace('LIST-', '')));
    if (!page.nextCursor) break;
    after = decodeCaseCursor(page.nextCursor);
  }
  expect(byDays).toEqual(['L2', 'L4', 'L5', 'L3', 'L1']);
});

it("finds a case's care provider (the scope check before every transition), and nothing for an unknown id", async () => {
  const readModel = prismaReadModel(testDb.db.prisma);
  expect(await readModel.findCase('LIST-L3')).toEqual({ careProviderId: 'P2' });
  expect(await readModel.findCase('LIST-L9')).toBeUndefined();
  // The id is a parameter, never SQL.
  expect(await readModel.findCase("LIST-L3' OR '1'='1")).toBeUndefined();
});

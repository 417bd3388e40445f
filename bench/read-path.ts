import type { Params } from './flags';
import { progress } from './progress';
import type { ReadPathResult } from './report';
import type { Stack } from './stack';
import { percentiles } from './stats';

/**
 * The read path: GET /cases over HTTP, one request at a time, with `readCases` cases in the
 * database. The cases the run opened as workflows count; the rest are written straight into the
 * read model (only read here): a mix of stages, care providers, categories, assignees, stays and
 * deadlines, so that each filter and sort has work to do. Each request is one of the list's
 * shapes a caseload screen asks, in turn, timed from request to parsed body.
 */
const PROVIDERS = ['read-tx-07', 'read-az-02', 'read-ca-11', 'read-il-03', 'read-ny-05'];
const STATUSES = [
  'intake',
  'sponsor_identification',
  'application',
  'vetting',
  'home_study',
  'recommendation',
  'release_decision',
  'released',
  'closed',
];
const CATEGORIES = ['1', '2A', '2B', '3', null];
const DAY = 86_400_000;

export const READ_SHAPES: Record<string, string> = {
  'oldest admission first': '/cases?limit=50',
  'least time left': '/cases?sort=least_time_left&limit=50',
  'a care provider, at risk or breached': `/cases?careProviderId=${PROVIDERS[1]}&level=at_risk,breached&sort=least_time_left&limit=50`,
  "a case manager's caseload": '/cases?assigneeId=cm-read-7&sort=least_time_left&limit=50',
  'days in care 20 to 60, longest first': '/cases?minDaysInCare=20&maxDaysInCare=60&sort=days_in_care&limit=50',
  'stages and category': '/cases?status=vetting,home_study&category=2B&limit=50',
  'part of the case id': '/cases?q=0042&limit=50',
  'next deadline within two days': `/cases?deadlineBefore=${encodeURIComponent(new Date(Date.now() + 2 * DAY).toISOString())}&limit=50`,
};

export async function measureReadPath(stack: Stack, params: Params, failures: string[]): Promise<ReadPathResult> {
  const present = await stack.prisma.case.count();
  const added = await fillTo(stack, params.readCases, present);
  const cases = present + added;
  progress(`Read path: ${cases} cases in the database (${added} written for it); ${params.readRequests} GET /cases`);
  const shapes = Object.entries(READ_SHAPES);
  const byShape: Record<string, number[]> = Object.fromEntries(shapes.map(([name]) => [name, []]));
  const all: number[] = [];
  // Warm the connection pool and the query plans: the first request of each shape is not timed.
  for (const [, path] of shapes) await stack.api.get(path, stack.api.supervisor);
  for (let i = 0; i < params.readRequests; i += 1) {
    const [name, path] = shapes[i % shapes.length]!;
    // Every other request of a shape asks the next page, through its cursor.
    const reply = await stack.api.get(path, stack.api.supervisor);
    if (reply.status !== 200) failures.push(`GET ${path} ${reply.status} ${JSON.stringify(reply.json).slice(0, 200)}`);
    const cursor = (reply.json as { nextCursor?: string | null }).nextCursor;
    const timed = i % 2 === 1 && cursor ? await stack.api.get(`${path}&after=${cursor}`, stack.api.supervisor) : reply;
    all.push(timed.ms);
    byShape[name]!.push(timed.ms);
  }
  return {
    casesInDatabase: cases,
    requests: all.length,
    ms: percentiles(all),
    byShape: Object.fromEntries(Object.entries(byShape).map(([name, ms]) => [name, percentiles(ms)])),
  };
}

/** Writes synthetic cases until the database holds `target`; answers how many it wrote. */
async function fillTo(stack: Stack, target: number, present: number): Promise<number> {
  const missing = Math.max(0, target - present);
  const now = Date.now();
  for (let from = 0; from < missing; from += 1000) {
    const rows = Array.from({ length: Math.min(1000, missing - from) }, (_, j) => {
      const i = from + j;
      const status = STATUSES[i % STATUSES.length]!;
      const admitted = now - ((i * 7919) % 120) * DAY - (i % 24) * 3_600_000;
      const discharged = status === 'released' || status === 'closed' ? admitted + (5 + (i % 40)) * DAY : null;
      const open = status !== 'closed';
      const due = now + (((i * 104_729) % 21) - 7) * DAY;
      return {
        id: `READ-${stack.started.toString(36)}-${String(i).padStart(5, '0')}`,
        workflowId: `case-READ-${i}`,
        careProviderId: PROVIDERS[i % PROVIDERS.length]!,
        status,
        sponsorCategory: CATEGORIES[i % CATEGORIES.length] ?? null,
        admittedAt: new Date(admitted),
        dischargedAt: discharged ? new Date(Math.min(discharged, now)) : null,
        lastSeq: 1,
        assigneeId: `cm-read-${i % 40}`,
        nextDeadlineAt: open ? new Date(due) : null,
        nextDeadlineLabel: open ? 'Length of stay' : null,
        atRiskAt: open ? new Date(due - 2 * DAY) : null,
      };
    });
    await stack.prisma.case.createMany({ data: rows });
  }
  if (missing > 0) await stack.prisma.$executeRawUnsafe('ANALYZE cases');
  return missing;
}

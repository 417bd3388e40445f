import type { BenchApi } from './api';
import { profiled } from './cpu-profile';
import type { Params } from './flags';
import { progress } from './progress';
import { READ_PROVIDERS, fillReadModel } from './read-model-fill';
import type { ReadPathResult } from './report';
import type { Stack } from './stack';
import { percentiles, pool, roundTo } from './stats';

/**
 * The read path: GET /cases and GET /alerts over HTTP with `readCases` cases in the database. The
 * cases the run opened as workflows count; the rest are written by the worker's own projection and
 * alert activities (bench/read-model-fill.ts). Every filter, sort and order the API offers, text
 * search, the largest page and a caller scoped to one care provider, each a shape of its own; each
 * request of a shape alternates between its first page and the page after it (through the cursor).
 * Timed from request to parsed body, first one at a time, then `readConcurrency` at a time.
 */
const DAY = 86_400_000;
type Caller = 'supervisor' | 'caseManager';

export function readShapes(now = Date.now()): Record<string, { path: string; caller?: Caller }> {
  const provider = READ_PROVIDERS[2]!;
  const soon = encodeURIComponent(new Date(now + 2 * DAY).toISOString());
  return {
    'cases: oldest admission first': { path: '/cases?limit=50' },
    'cases: newest admission first': { path: '/cases?order=desc&limit=50' },
    'cases: least time left': { path: '/cases?sort=least_time_left&limit=50' },
    'cases: most time left': { path: '/cases?sort=least_time_left&order=asc&limit=50' },
    'cases: days in care, longest first': { path: '/cases?sort=days_in_care&limit=50' },
    'cases: days in care 20 to 60': { path: '/cases?minDaysInCare=20&maxDaysInCare=60&sort=days_in_care&limit=50' },
    'cases: stages': { path: '/cases?status=vetting,home_study&limit=50' },
    'cases: category': { path: '/cases?category=2B&limit=50' },
    'cases: no sponsor': { path: '/cases?category=none&sort=least_time_left&limit=50' },
    'cases: care provider, at risk or breached': {
      path: `/cases?careProviderId=${provider}&level=at_risk,breached&sort=least_time_left&limit=50`,
    },
    'cases: on track': { path: '/cases?level=on_track&limit=50' },
    "cases: a case manager's caseload": { path: '/cases?assigneeId=cm-read-7&sort=least_time_left&limit=50' },
    'cases: next deadline within two days': { path: `/cases?deadlineBefore=${soon}&limit=50` },
    'cases: part of the case id': { path: '/cases?q=0042&limit=50' },
    'cases: text matching nothing': { path: '/cases?q=nomatch&limit=50' },
    'cases: every filter at once': {
      path: `/cases?status=intake,sponsor_identification,application,vetting&careProviderId=${provider}&category=2A&assigneeId=cm-read-8&minDaysInCare=1&maxDaysInCare=170&level=on_track,at_risk,breached&deadlineBefore=${soon}&q=READ&sort=days_in_care&limit=50`,
    },
    'cases: largest page (500)': { path: '/cases?limit=500' },
    "cases: a scoped case manager's provider": { path: '/cases?sort=least_time_left&limit=50', caller: 'caseManager' },
    'alerts: newest first': { path: '/alerts?limit=50' },
    'alerts: open': { path: '/alerts?open=true&limit=50' },
    'alerts: resolved': { path: '/alerts?open=false&limit=50' },
    'alerts: program lead, open': { path: '/alerts?level=program_lead&open=true&limit=50' },
    'alerts: care provider, open': { path: `/alerts?careProviderId=${provider}&open=true&limit=50` },
    'alerts: category': { path: '/alerts?category=2A&limit=50' },
    'alerts: largest page (500)': { path: '/alerts?limit=500' },
    "alerts: a scoped case manager's provider": { path: '/alerts?open=true&limit=50', caller: 'caseManager' },
  };
}

/** Fills the read model, then times every shape; `cpuProfile`: where to write a profile of the concurrent pass. */
export async function measureReadPath(stack: Stack, params: Params, failures: string[], cpuProfile?: string): Promise<ReadPathResult> {
  const present = await stack.prisma.case.count();
  const missing = Math.max(0, params.readCases - present);
  progress(`Read path: writing ${missing} cases through the projection and alert activities...`);
  const t0 = performance.now();
  const written = await fillReadModel(stack.prisma, stack.started.toString(36), missing);
  progress(`Read model filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const [cases, transitions, alerts] = await Promise.all([
    stack.prisma.case.count(),
    stack.prisma.caseTransition.count(),
    stack.prisma.alert.count(),
  ]);
  const shapes = Object.entries(readShapes());
  const get = (shape: number, i: number) => timedGet(stack.api, shapes[shape]![1], i % 2 === 1, failures);
  // Warm the connection pool and the query plans: the first request of each shape is not timed.
  for (let s = 0; s < shapes.length; s += 1) await get(s, 1);
  progress(`Read path: ${cases} cases, ${alerts} alerts; ${params.readRequests} requests one at a time`);
  const sequential = await timeShapes(shapes.length, params.readRequests, 1, get);
  progress(`Read path: ${params.readRequests} requests, ${params.readConcurrency} at a time`);
  const concurrent = await profiled(cpuProfile, () => timeShapes(shapes.length, params.readRequests, params.readConcurrency, get));
  const byShape = (ms: number[][]) => Object.fromEntries(shapes.map(([name], s) => [name, percentiles(ms[s]!)]));
  return {
    casesInDatabase: cases,
    transitionsInDatabase: transitions,
    alertsInDatabase: alerts,
    written,
    requests: sequential.all.length,
    ms: percentiles(sequential.all),
    byShape: byShape(sequential.byShape),
    concurrency: params.readConcurrency,
    concurrentMs: percentiles(concurrent.all),
    concurrentByShape: byShape(concurrent.byShape),
    cpuMsPerRequest: sequential.cpuMsPerRequest,
  };
}

/** `total` requests over the shapes in turn, `limit` at a time; each request's time, overall and by shape. */
async function timeShapes(shapes: number, total: number, limit: number, get: (shape: number, i: number) => Promise<number>) {
  const cpu = process.cpuUsage();
  const all: number[] = [];
  const byShape: number[][] = Array.from({ length: shapes }, () => []);
  await pool(total, limit, async (i) => {
    const shape = i % shapes;
    const ms = await get(shape, Math.floor(i / shapes));
    all.push(ms);
    byShape[shape]!.push(ms);
  });
  const used = process.cpuUsage(cpu);
  return { all, byShape, cpuMsPerRequest: roundTo((used.user + used.system) / 1000 / total, 2) };
}

/** A shape's first page, or (`nextPage`) the page after it through the cursor: that request's time. */
async function timedGet(api: BenchApi, shape: { path: string; caller?: Caller }, nextPage: boolean, failures: string[]): Promise<number> {
  const token = api[shape.caller ?? 'supervisor'];
  const first = await api.get(shape.path, token);
  if (first.status !== 200) failures.push(`GET ${shape.path} ${first.status} ${JSON.stringify(first.json).slice(0, 200)}`);
  const cursor = (first.json as { nextCursor?: string | null }).nextCursor;
  if (!nextPage || !cursor) return first.ms;
  const next = await api.get(`${shape.path}&after=${cursor}`, token);
  if (next.status !== 200) failures.push(`GET ${shape.path}&after= ${next.status} ${JSON.stringify(next.json).slice(0, 200)}`);
  return next.ms;
}

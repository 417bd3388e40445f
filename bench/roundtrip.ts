/**
 * Times one case's transitions through the HTTP API of a running Reunify (`npm start`), one
 * request at a time: from sending the request to receiving the new state. A first measure, not
 * the full benchmark: `npm run bench:roundtrip -- [--cases N] [--api URL]`.
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { cases: { type: 'string', default: '20' }, api: { type: 'string', default: 'http://127.0.0.1:3000' } },
});
const cases = Number(values.cases);
const api = values.api!;
if (!Number.isInteger(cases) || cases < 1) throw new Error(`--cases must be a positive whole number, not ${values.cases}`);

const cm = { id: 'bench-cm', role: 'case_manager' };
const steps = [
  { path: 'events', body: { type: 'COMPLETE_INTAKE', actor: cm } },
  { path: 'events', body: { type: 'IDENTIFY_SPONSOR', actor: cm, sponsor: { category: '1' } } },
  { path: 'events', body: { type: 'COMPLETE_VETTING', actor: cm } },
  { path: 'decision', body: { type: 'DECIDE_RELEASE', decision: 'approve', actor: { id: 'bench-ffs', role: 'orr_reviewer' } } },
  { path: 'events', body: { type: 'RELEASE_CHILD', actor: cm } },
];

async function post(path: string, body: unknown): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${api}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return performance.now() - started;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  const updates: number[] = [];
  const decisions: number[] = [];
  const opens: number[] = [];
  const run = Date.now().toString(36);
  for (let i = 0; i < cases; i += 1) {
    const caseId = `BENCH-${run}-${i}`;
    opens.push(
      await post('/cases', {
        caseId,
        admittedAt: new Date().toISOString(),
        careProviderId: 'bench-shelter',
        child: { birthDate: '2012-01-01' },
        openedBy: cm,
      }),
    );
    for (const step of steps) {
      const ms = await post(`/cases/${caseId}/${step.path}`, step.body);
      (step.path === 'events' ? updates : decisions).push(ms);
    }
    process.stderr.write(`\r${i + 1}/${cases} cases`);
  }
  process.stderr.write('\n');
  for (const [label, samples] of [
    ['open case (start workflow)', opens],
    ['case-manager event (Update round trip)', updates],
    ['reviewer decision (Signal, then seen applied)', decisions],
  ] as const) {
    const sorted = [...samples].sort((a, b) => a - b);
    console.log(
      `${label}: n=${sorted.length} p50=${percentile(sorted, 50).toFixed(1)} ms p95=${percentile(sorted, 95).toFixed(1)} ms max=${sorted.at(-1)!.toFixed(1)} ms`,
    );
  }
}

main().catch((err) => {
  console.error(`bench failed: ${(err as Error).message}. Is Reunify running (npm start) at ${api}?`);
  process.exit(1);
});

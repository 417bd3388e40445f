import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(300_000);

const server = Boolean(process.env['DATABASE_URL']);

/**
 * `npm run bench -- --smoke` on the real stack: it must finish and report every measure (numbers are
 * not judged). The case worker runs in its own process, as deployed, on the embedded PostgreSQL
 * server or on the one in DATABASE_URL (CI's second run).
 */
it(`runs the benchmark end to end on ${server ? 'the PostgreSQL server in DATABASE_URL' : 'the embedded PostgreSQL server'}, the worker in its own process`, () => {
  const out = mkdtempSync(join(tmpdir(), 'reunify-bench-out-'));
  const data = mkdtempSync(join(tmpdir(), 'reunify-bench-data-'));
  try {
    const stdout = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(__dirname, '..', '..', 'bench', 'run.ts'), '--smoke', '--out', out],
      {
        env: { ...process.env, TEMPORAL_ADDRESS: '', REUNIFY_DATA_DIR: data, LOG_LEVEL: 'warn' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    expect(stdout).toContain('| transition latency p50 / p95 / p99 |');
    const files = readdirSync(out);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.md'))).toHaveLength(1);
    const result = JSON.parse(
      readFileSync(
        join(
          out,
          files.find((f) => f.endsWith('.json'))!,
        ),
        'utf8',
      ),
    );
    expect(result.reunify).toMatchObject({ completedLifecycles: 6, failedRequests: 0 });
    expect(result.reunify.transitionMs.n).toBeGreaterThanOrEqual(6 * 13);
    // Where a transition's CPU goes, process by process, beside a raw Update's (Linux's /proc).
    for (const role of ['temporal', 'worker', 'bench']) expect(result.reunify.cpuPerTransitionMs[role]).toBeGreaterThan(0);
    for (const role of ['temporal', 'bench']) expect(result.baseline.cpuPerUpdateMs[role]).toBeGreaterThan(0);
    expect(stdout).toContain('| CPU per transition / per raw Update, all processes |');
    // What a transition and a raw Update ask of the dev server the benchmark started (its metrics).
    expect(result.reunify.serverRequestsPerTransition.frontend.UpdateWorkflowExecution).toBeGreaterThan(0);
    expect(result.reunify.serverRequestsPerTransition.frontend.RespondWorkflowTaskCompleted).toBeGreaterThan(0);
    expect(result.baseline.serverRequestsPerUpdate.frontend.UpdateWorkflowExecution).toBeGreaterThan(0);
    expect(result.reunify.serverRequestsPerTransition.persistence).toBeGreaterThan(0);
    // The baseline is measured before and after the lifecycles, and pooled.
    expect(result.baseline.sequentialMs.n).toBe(2 * 30);
    expect(result.baseline.concurrentP50ByPass).toHaveLength(2);
    // 2 escalations a second over an 8-second window: 16 of the 40 cases fall due while it runs.
    expect(result.capacity).toMatchObject({ openCases: 40, escalationsDue: 16, escalationsFired: 16 });
    expect(result.capacity.escalationsMeasured).toBeGreaterThan(0);
    // 26 shapes of GET /cases and GET /alerts, three requests each, one at a time and then two at a time.
    expect(result.readPath).toMatchObject({ casesInDatabase: 300, requests: 78, concurrency: 2 });
    expect(result.readPath.ms.n).toBe(78);
    expect(result.readPath.concurrentMs.n).toBe(78);
    expect(result.readPath.alertsInDatabase).toBeGreaterThan(0);
    expect(Object.keys(result.readPath.byShape).filter((shape) => shape.startsWith('alerts: '))).toHaveLength(8);
    expect(result.capacity.timerLatenessMs.n).toBe(result.capacity.escalationsMeasured);
    expect(result.stack.worker).toMatch(/^own process/);
    expect(result.stack.database).toBe(server ? 'server' : 'embedded');
    expect(result.capacity.memoryWithOpenCases.workerProcessRssMiB).toBeGreaterThan(0);
    expect(result.machine.cores).toBeGreaterThan(0);
    for (const probe of ['baselineAtRest', 'directAtRest', 'httpAtRest', 'directBackToBack', 'httpBackToBack'])
      expect(result.probe[probe].n).toBeGreaterThan(0);
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(300_000);

/** `npm run bench -- --smoke` on the real stack: it must finish and report every measure (numbers are not judged). */
it('runs the benchmark end to end and writes its JSON and Markdown', () => {
  const out = mkdtempSync(join(tmpdir(), 'reunify-bench-out-'));
  const data = mkdtempSync(join(tmpdir(), 'reunify-bench-data-'));
  try {
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'bench', 'run.ts'), '--smoke', '--out', out], {
      env: { ...process.env, DATABASE_URL: '', TEMPORAL_ADDRESS: '', REUNIFY_DATA_DIR: data, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    expect(stdout).toContain('| transition latency p50 / p95 / p99 |');
    const files = readdirSync(out);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.md'))).toHaveLength(1);
    const result = JSON.parse(readFileSync(join(out, files.find((f) => f.endsWith('.json'))!), 'utf8'));
    expect(result.reunify).toMatchObject({ completedLifecycles: 6, failedRequests: 0 });
    expect(result.reunify.transitionMs.n).toBeGreaterThanOrEqual(6 * 13);
    expect(result.baseline.sequentialMs.n).toBe(30);
    expect(result.capacity).toMatchObject({ openCases: 40, alertsExpected: 80, alertsFired: 80 });
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(result.probe.directUpdateMs.n).toBeGreaterThan(0);
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }
});

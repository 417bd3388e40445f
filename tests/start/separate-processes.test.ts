import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { TestWorkflowEnvironment } from '@temporalio/testing';

import type { Running } from '../../scripts/processes';
import { startProcess, stopProcess } from '../../scripts/processes';
import type { CaseView } from '../../src/contracts/case-view';
import { freePort } from '../../src/processes';
import { events, openCaseRequest } from '../helpers/builders';
import { createDevServerEnv } from '../helpers/temporal';

jest.setTimeout(240_000);

/**
 * On one machine, on the embedded default: `npm run start:db` keeps the database running, and any
 * number of `npm run start:worker` and `npm run start:api` processes find it through the data folder.
 */
describe('separate processes on the embedded database', () => {
  let root: string;
  let temporal: TestWorkflowEnvironment;
  const running: Running[] = [];
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'reunify-separate-'));
    chmodSync(root, 0o755);
    temporal = await createDevServerEnv();
    env = {
      ...process.env,
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: temporal.address,
      REUNIFY_DATA_DIR: join(root, 'data'),
      REUNIFY_POSTGRES_PORT: String(await freePort()),
      LOG_LEVEL: 'info',
    };
  });
  afterAll(async () => {
    // Users of the database stop first, the database last.
    for (const process of running.reverse()) await stopProcess(process);
    await temporal?.teardown();
    rmSync(root, { recursive: true, force: true });
  });

  it('says how to start the database when a worker or an API finds none', async () => {
    await expect(startProcess('worker', env, 'Case worker running')).rejects.toThrow(
      /No embedded PostgreSQL server is running on .*postgres\. Start it with `npm run start:db`/,
    );
    expect(existsSync(join(root, 'data', 'postgres'))).toBe(false);
  });

  it('runs a database, two workers and two APIs, and a case moves through either API', async () => {
    const database = await startProcess('db', env, 'The database is ready');
    running.push(database);
    for (let i = 0; i < 2; i += 1) running.push(await startProcess('worker', env, 'Case worker running'));
    const apis: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const port = await freePort();
      running.push(await startProcess('api', { ...env, API_PORT: String(port) }, 'Server listening'));
      apis.push(`http://127.0.0.1:${port}`);
    }
    const token = execFileSync(
      'npm',
      ['run', '-s', 'token', '--', '--role', 'case_manager', '--sub', 'cm-ana', '--care-provider', 'shelter-tx-07'],
      {
        env,
        encoding: 'utf8',
      },
    ).trim();
    const post = (api: string, path: string, body: unknown) => {
      const { actor: _actor, openedBy: _openedBy, ...rest } = body as Record<string, unknown>;
      return fetch(`${api}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(rest),
      });
    };
    const [first, second] = apis as [string, string];
    expect((await post(first, '/cases', openCaseRequest('UC-sep-1'))).status).toBe(201);
    expect((await post(second, '/cases/UC-sep-1/events', events.completeIntake())).status).toBe(200);
    const moved = await post(first, '/cases/UC-sep-1/events', events.identifySponsor('1'));
    expect(moved.status).toBe(200);
    expect(((await moved.json()) as CaseView).status).toBe('application');
    // `npm run start:db` keeps running, the server with it, until Ctrl-C.
    expect(database.child.exitCode).toBeNull();
    // Both APIs read the same read model, which a worker writes.
    for (const api of apis) {
      let status: string | undefined;
      for (let i = 0; i < 100 && status !== 'application'; i += 1) {
        const page = (await (await fetch(`${api}/cases?status=application`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
          items: { caseId: string; status: string }[];
        };
        status = page.items.find((item) => item.caseId === 'UC-sep-1')?.status;
        if (status !== 'application') await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe('application');
    }
  });
});

import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Running } from '../../scripts/processes';
import { descendantsOf, killTree, startProcess, stopProcess } from '../../scripts/processes';
import type { CaseView } from '../../src/contracts/case-view';
import { freePort, isAlive } from '../../src/processes';
import { events, openCaseRequest } from '../helpers/builders';

jest.setTimeout(240_000);

/**
 * `npm start` as a person runs it, on the embedded defaults (the dev server and PostgreSQL, both on
 * disk in the data folder): a first run on an empty folder, a clean restart after Ctrl-C, and a
 * restart after `kill -9` of the whole process tree, each finding every case and transition.
 */

const READY = 'Reunify is ready';

describe('npm start', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let api: string;
  let token = '';

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'reunify-start-'));
    // As root, PostgreSQL runs as the postgres user, who must be able to enter the folder (mkdtemp makes it 0700).
    chmodSync(root, 0o755);
    dataDir = join(root, 'data');
    const [apiPort, temporalPort, uiPort, postgresPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    api = `http://127.0.0.1:${apiPort}`;
    env = {
      ...process.env,
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      REUNIFY_DATA_DIR: dataDir,
      API_PORT: String(apiPort),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      REUNIFY_POSTGRES_PORT: String(postgresPort),
      LOG_LEVEL: 'info',
    };
  });
  afterAll(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

  const headers = () => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  const post = (path: string, body: unknown) => {
    const { actor: _actor, openedBy: _openedBy, ...rest } = body as Record<string, unknown>;
    return fetch(`${api}${path}`, { method: 'POST', headers: headers(), body: JSON.stringify(rest) });
  };
  const view = async (caseId: string) => (await (await fetch(`${api}/cases/${caseId}`, { headers: headers() })).json()) as CaseView;
  const listed = async (status: string): Promise<string[]> => {
    // The read model follows the workflow shortly after each transition.
    let ids: string[] = [];
    for (let i = 0; i < 100; i += 1) {
      const page = (await (await fetch(`${api}/cases?status=${status}`, { headers: headers() })).json()) as { items: { caseId: string }[] };
      ids = page.items.map((item) => item.caseId);
      if (ids.length > 0) return ids;
      await new Promise((r) => setTimeout(r, 100));
    }
    return ids;
  };

  let running: Running | undefined;
  afterEach(async () => {
    if (running) await stopProcess(running);
    running = undefined;
  });

  it('starts on an empty data folder and prints where everything is', async () => {
    expect(existsSync(dataDir)).toBe(false);
    running = await startProcess('start', env, READY);
    const banner = running.output.join('');
    expect(banner).toContain(`API:          ${api}`);
    expect(banner).toContain(`API docs:     ${api}/docs`);
    expect(banner).toContain(`App:          ${api}/`);
    // The web application, built by `npm install` (or by this start), is served at / without a token.
    const page = await fetch(`${api}/`);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await page.text()).toMatch(/<script type="module"[^>]* src="\/assets\/index-[\w-]+\.js"/);
    expect(banner).toContain(`Temporal UI:  http://127.0.0.1:${env['TEMPORAL_UI_PORT']}`);
    expect(banner).toContain(
      `Database:     embedded PostgreSQL on 127.0.0.1:${env['REUNIFY_POSTGRES_PORT']}, data in ${join(dataDir, 'postgres')}`,
    );
    expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    // The password is made once, beside the data, readable by its owner only.
    expect(readFileSync(join(dataDir, 'postgres-password'), 'utf8').trim()).toMatch(/^[0-9a-f]{48}$/);
    // `npm run token` signs with the embedded default's secret, which npm start made in the data folder.
    token = execFileSync(
      'npm',
      ['run', '-s', 'token', '--', '--role', 'case_manager', '--sub', 'cm-ana', '--care-provider', 'shelter-tx-07'],
      {
        env,
        encoding: 'utf8',
      },
    ).trim();
    expect(await (await fetch(`${api}/cases`)).json()).toMatchObject({ code: 'unauthenticated' });

    expect((await post('/cases', openCaseRequest('UC-restart-1'))).status).toBe(201);
    expect((await post('/cases/UC-restart-1/events', events.completeIntake())).status).toBe(200);
    expect((await post('/cases/UC-restart-1/events', events.identifySponsor('2A'))).status).toBe(200);
    expect(await listed('application')).toEqual(['UC-restart-1']);
    expect(await stopProcess(running)).toBe(0);
    running = undefined;
    // Ctrl-C stopped the database too: nothing of it is left running.
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  });

  it('finds the case where it was after a clean restart', async () => {
    running = await startProcess('start', env, READY);
    const before = await view('UC-restart-1');
    expect(before.status).toBe('application');
    expect(before.transitions.map((t) => t.event)).toEqual(['OPEN_CASE', 'COMPLETE_INTAKE', 'IDENTIFY_SPONSOR']);
    const next = await post('/cases/UC-restart-1/events', events.completeAssessment());
    expect(next.status).toBe(200);
    expect(((await next.json()) as CaseView).status).toBe('vetting');
    expect(await listed('vetting')).toEqual(['UC-restart-1']);
  });

  it('recovers after kill -9 of the whole process tree, with every case and every transition', async () => {
    running = await startProcess('start', env, READY);
    expect((await post('/cases', openCaseRequest('UC-crash-2'))).status).toBe(201);
    expect((await post('/cases/UC-crash-2/events', events.completeIntake())).status).toBe(200);
    expect(await listed('sponsor_identification')).toEqual(['UC-crash-2']);
    const killed = await killTree(running);
    running = undefined;
    // The tree was the process, the dev server and PostgreSQL (with its own workers) at least.
    expect(killed.length).toBeGreaterThanOrEqual(3);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(true);

    running = await startProcess('start', env, READY);
    expect(running.output.join('')).toContain('stale postmaster.pid');
    expect((await view('UC-restart-1')).transitions.map((t) => t.event)).toEqual([
      'OPEN_CASE',
      'COMPLETE_INTAKE',
      'IDENTIFY_SPONSOR',
      'COMPLETE_ASSESSMENT',
    ]);
    expect((await view('UC-crash-2')).transitions.map((t) => t.event)).toEqual(['OPEN_CASE', 'COMPLETE_INTAKE']);
    expect(await listed('vetting')).toEqual(['UC-restart-1']);
    expect(await listed('sponsor_identification')).toEqual(['UC-crash-2']);
    const audit = (await (await fetch(`${api}/cases/UC-restart-1/audit`, { headers: headers() })).json()) as {
      verified: boolean;
      entries: unknown[];
    };
    expect(audit).toMatchObject({ verified: true });
    expect(audit.entries).toHaveLength(4);
    // And it keeps working.
    expect((await post('/cases/UC-crash-2/events', events.identifySponsor('1'))).status).toBe(200);
  });

  it('stops cleanly on Ctrl-C halfway through start-up, leaving nothing running', async () => {
    const starting = await startProcess('start', env, 'Starting the embedded PostgreSQL server');
    const tree = descendantsOf(starting.child.pid!);
    expect(await stopProcess(starting)).toBe(0);
    // Whatever had started (the dev server, PostgreSQL still starting up) was stopped, not orphaned.
    expect(tree.filter(isAlive)).toEqual([]);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  });

  it('refuses a data folder left by the PGlite versions with a clear message, and changes nothing', async () => {
    const legacy = mkdtempSync(join(tmpdir(), 'reunify-legacy-'));
    chmodSync(legacy, 0o755);
    mkdirSync(join(legacy, 'pglite'));
    writeFileSync(join(legacy, 'pglite', 'PG_VERSION'), '17\n');
    try {
      const attempt = startProcess('start', { ...env, REUNIFY_DATA_DIR: legacy }, READY);
      await expect(attempt).rejects.toThrow(/holds the read model of an earlier Reunify \(PGlite\)[\s\S]*move the whole data folder aside/);
      expect(existsSync(join(legacy, 'postgres'))).toBe(false);
    } finally {
      rmSync(legacy, { recursive: true, force: true });
    }
  });
});

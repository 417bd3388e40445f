import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { CaseView } from '../../src/contracts/case-view';
import { events, openCaseRequest } from '../helpers/builders';

jest.setTimeout(180_000);

/**
 * `npm start` as a person runs it, on the embedded defaults (dev server on disk, PGlite): it
 * becomes ready, stops cleanly on Ctrl-C (SIGINT), and the next start finds the case where it was.
 */

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface Started {
  child: ChildProcessWithoutNullStreams;
  output: string[];
}

async function start(env: NodeJS.ProcessEnv): Promise<Started> {
  // What `npm start` runs, without npm in between so that the signal reaches the process itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, cwd: process.cwd() });
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output.push(chunk.toString());
      if (output.join('').includes('Reunify is ready')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`npm start exited with ${code} before it was ready:\n${output.join('')}`)));
  });
  return { child, output };
}

function stop({ child }: Started): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

describe('npm start', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let api: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'reunify-start-'));
    const [apiPort, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
    api = `http://127.0.0.1:${apiPort}`;
    env = {
      ...process.env,
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      REUNIFY_DATA_DIR: dataDir,
      API_PORT: String(apiPort),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  let token = '';
  const authorization = () => ({ authorization: `Bearer ${token}` });
  const post = async (path: string, body: unknown) => {
    const { actor: _actor, openedBy: _openedBy, ...rest } = body as Record<string, unknown>;
    return fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...authorization() }, body: JSON.stringify(rest) });
  };

  it('prints where everything is, stops cleanly, and finds the case where it was after a restart', async () => {
    const first = await start(env);
    const banner = first.output.join('');
    expect(banner).toContain(`API:          ${api}`);
    expect(banner).toContain(`API docs:     ${api}/docs`);
    expect(banner).toContain(`Temporal UI:  http://127.0.0.1:${env['TEMPORAL_UI_PORT']}`);
    expect(banner).toContain(`PGlite in ${join(dataDir, 'pglite')}`);
    // `npm run token` signs with the embedded default's secret, which npm start made in the data folder.
    token = execFileSync('npm', ['run', '-s', 'token', '--', '--role', 'case_manager', '--sub', 'cm-ana', '--care-provider', 'shelter-tx-07'], {
      env,
      encoding: 'utf8',
    }).trim();
    expect(await (await fetch(`${api}/cases`)).json()).toMatchObject({ code: 'unauthenticated' });

    const caseId = 'UC-restart-1';
    expect((await post('/cases', openCaseRequest(caseId))).status).toBe(201);
    expect((await post(`/cases/${caseId}/events`, events.completeIntake())).status).toBe(200);
    expect((await post(`/cases/${caseId}/events`, events.identifySponsor('2A'))).status).toBe(200);
    expect(await stop(first)).toBe(0);

    const second = await start(env);
    try {
      const view = (await (await fetch(`${api}/cases/${caseId}`, { headers: authorization() })).json()) as CaseView;
      expect(view.status).toBe('application');
      expect(view.transitions.map((t) => t.event)).toEqual(['OPEN_CASE', 'COMPLETE_INTAKE', 'IDENTIFY_SPONSOR']);
      const next = await post(`/cases/${caseId}/events`, events.completeAssessment());
      expect(next.status).toBe(200);
      expect(((await next.json()) as CaseView).status).toBe('vetting');
      // The read model (PGlite, reopened) follows the workflow shortly after.
      let listed: string[] = [];
      for (let i = 0; i < 100 && !listed.includes(caseId); i += 1) {
        await new Promise((r) => setTimeout(r, 100));
        const page = (await (await fetch(`${api}/cases?status=vetting`, { headers: authorization() })).json()) as { items: { caseId: string }[] };
        listed = page.items.map((item) => item.caseId);
      }
      expect(listed).toEqual([caseId]);
    } finally {
      expect(await stop(second)).toBe(0);
    }
  });
});

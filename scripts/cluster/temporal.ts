/**
 * A production-shaped Temporal server: the server built from source at a pinned release
 * (scripts/faults/tools.ts), on its own PostgreSQL, its schema set up by Temporal's own SQL tool,
 * the `default` namespace and Reunify's custom search attributes registered with the CLI. Killed
 * and started again on the same database, it is the fault suite's R2 on a cluster.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseConfig } from '../../src/config/env';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes';
import { findEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { freePort, portIsFree } from '../../src/processes';
import { resolveTemporalBinary } from '../../src/temporal/binaries';
import type { TemporalServer } from '../faults/stack';
import { temporalProcess } from '../faults/stack';
import { ToolError, ensureTemporalServer } from '../faults/tools';
import { startProcess, stopProcess } from '../processes';

const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;

interface Sql {
  host: string;
  port: number;
  user: string;
  password: string;
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new ToolError(`${command} ${args.join(' ')} failed: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout;
}

/** Both of Temporal's databases created and brought to the release's schema, as its operators' guide does it. */
function setUpSchema(sqlTool: string, schemaDir: string, sql: Sql): void {
  const common = ['--plugin', 'postgres12', '--ep', sql.host, '-p', String(sql.port), '-u', sql.user, '--pw', sql.password];
  for (const [database, folder] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    run(sqlTool, [...common, '--db', database, 'create-database']);
    run(sqlTool, [...common, '--db', database, 'setup-schema', '-v', '0.0']);
    run(sqlTool, [...common, '--db', database, 'update-schema', '-d', join(schemaDir, 'postgresql', 'v12', folder, 'versioned')]);
  }
}

/** A free port below 32768: Temporal keeps membership ports in a PostgreSQL smallint, and the OS's own picks are higher. */
async function smallPort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await portIsFree(port)) return port;
  }
  throw new Error('No free port between 20000 and 32000');
}

/** The server's configuration (JSON is YAML): every service in one process, on ports the OS chose. */
async function writeConfig(dir: string, sql: Sql): Promise<{ frontend: string }> {
  const datastore = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${sql.host}:${sql.port}`,
      connectProtocol: 'tcp',
      user: sql.user,
      password: sql.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const services: Record<string, unknown> = {};
  let frontend = '';
  for (const service of SERVICES) {
    const rpc: Record<string, unknown> = { grpcPort: await freePort(), membershipPort: await smallPort(), bindOnLocalHost: true };
    if (service === 'frontend') {
      rpc['httpPort'] = await freePort();
      frontend = `127.0.0.1:${String(rpc['grpcPort'])}`;
    }
    services[service] = { rpc };
  }
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: 4,
      datastores: { 'postgres-default': datastore('temporal', 20), 'postgres-visibility': datastore('temporal_visibility', 4) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services,
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: frontend } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
  };
  const configDir = join(dir, 'config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'production.yaml'), JSON.stringify(config, null, 2));
  return { frontend };
}

/** The `default` namespace and the custom search attributes, through the CLI as an operator would. */
async function registerNamespace(address: string): Promise<void> {
  const cli = resolveTemporalBinary('temporal', { toolsDir: parseConfig(process.env).toolsDir });
  if (cli.type !== 'existing-path') throw new ToolError('The temporal CLI is needed: run `npm run temporal:install`.');
  const described = spawnSync(cli.path, ['operator', 'namespace', 'describe', '--address', address, '--namespace', 'default'], {
    encoding: 'utf8',
  });
  if (described.status !== 0) {
    run(cli.path, ['operator', 'namespace', 'create', '--address', address, '--namespace', 'default', '--retention', '72h']);
  }
  // A namespace just created takes a moment to reach every service's cache.
  for (let attempt = 0; ; attempt += 1) {
    const created = spawnSync(
      cli.path,
      [
        'operator',
        'search-attribute',
        'create',
        '--address',
        address,
        '--namespace',
        'default',
        ...CUSTOM_SEARCH_ATTRIBUTES.flatMap(({ name, type }) => ['--name', name, '--type', type]),
      ],
      { encoding: 'utf8' },
    );
    if (created.status === 0 || /already exists/i.test(created.stderr)) return;
    if (attempt >= 30) throw new ToolError(`Registering the search attributes failed: ${created.stderr.trim()}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/**
 * Starts Temporal's PostgreSQL (the embedded server, in `dataDir`/temporal-postgres), sets up its
 * schema, starts the server and registers the namespace. `stop` stops the server and its database.
 */
export async function temporalCluster(dataDir: string, log: (message: string) => void = () => undefined): Promise<TemporalServer> {
  const build = ensureTemporalServer(parseConfig(process.env).toolsDir, log);
  const pgDir = join(dataDir, 'temporal-postgres');
  mkdirSync(pgDir, { recursive: true, mode: 0o755 });
  const pgEnv = {
    ...process.env,
    DATABASE_URL: '',
    REUNIFY_DATA_DIR: pgDir,
    REUNIFY_POSTGRES_PORT: String(await freePort()),
    LOG_LEVEL: 'info',
  };
  log("Starting Temporal's PostgreSQL and setting up its schema with temporal-sql-tool...");
  const postgres = await startProcess('db', pgEnv, 'The database is ready');
  const url = new URL(findEmbeddedPostgres(pgDir).url);
  const sql: Sql = {
    host: url.hostname,
    port: Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
  try {
    setUpSchema(build.sqlTool, build.schemaDir, sql);
  } catch (err) {
    await stopProcess(postgres);
    throw err;
  }
  const { frontend } = await writeConfig(dataDir, sql);
  // --config is relative to --root.
  const args = ['--root', dataDir, '--config', 'config', '--env', 'production', '--allow-no-auth', 'start'];
  const server = temporalProcess('temporal server', build.server, args, frontend, 120_000, () => stopProcess(postgres));
  log('Starting the Temporal server on its PostgreSQL...');
  try {
    await server.start();
    await registerNamespace(frontend);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

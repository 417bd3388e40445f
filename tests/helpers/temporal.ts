import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { LogEntry, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';

import { parseConfig } from '../../src/config/env';
import { CASE_SEARCH_ATTRIBUTE_KEYS } from '../../src/contracts/search-attributes';
import type { TemporalBinary, TemporalExecutable } from '../../src/temporal/binaries';
import { resolveTemporalBinary } from '../../src/temporal/binaries';
import { ensureSearchAttributes } from '../../src/temporal/search-attributes';
import { DEV_SERVER_SQLITE_PRAGMAS } from '../../src/temporal/server';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../src/worker/workflow-bundle';

let runtimeInstalled = false;

/** What the SDK, workflows and activities of this test process logged (WARN and up, as `npm start` logs them). */
export const temporalLogs: LogEntry[] = [];

/** Quiet SDK logs in tests; failures still show, and are kept in `temporalLogs`. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  const printer = new DefaultLogger('WARN');
  const logger = new DefaultLogger('WARN', (entry) => {
    temporalLogs.push(entry);
    printer.log(entry.level, entry.message, entry.meta);
  });
  Runtime.install({ logger, shutdownSignals: [] });
  runtimeInstalled = true;
}

/** The real server binaries, found or installed the same way `npm start` does. Never a mock. */
export function temporalExecutable(binary: TemporalBinary): TemporalExecutable {
  const config = parseConfig(process.env);
  return resolveTemporalBinary(binary, {
    explicitPath: binary === 'temporal' ? config.temporal.cliPath : config.temporal.testServerPath,
    toolsDir: config.toolsDir,
  });
}

/** The time-skipping test server, knowing the case's search attributes (as every server Reunify runs on must). */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: temporalExecutable('temporal-test-server') },
  });
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** The CLI's dev server, in memory, with the same SQLite pragmas as `npm start`. */
export function createDevServerEnv(dataConverter?: DataConverter): Promise<TestWorkflowEnvironment> {
  return startDevServer({}, dataConverter);
}

/**
 * The CLI's dev server with its data on disk in `dbFilename`, as `npm start` runs it. Stopped
 * (`teardown`) and started again on the same file and port, it is a server restart.
 */
export function createDevServerOnDisk(dbFilename: string, port?: number): Promise<TestWorkflowEnvironment> {
  return startDevServer({ dbFilename, ...(port === undefined ? {} : { port }) });
}

function startDevServer(server: { dbFilename?: string; port?: number }, dataConverter?: DataConverter): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  return TestWorkflowEnvironment.createLocal({
    ...(dataConverter ? { client: { dataConverter } } : {}),
    server: {
      executable: temporalExecutable('temporal'),
      ip: '127.0.0.1',
      ...server,
      searchAttributes: CASE_SEARCH_ATTRIBUTE_KEYS,
      extraArgs: DEV_SERVER_SQLITE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma]),
    },
  });
}

/** The workflow bundle, built once per test file. */
export function bundleCaseWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: new DefaultLogger('WARN') });
}

let counter = 0;
/** A name no other test in this run uses (task queues, case ids). */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { TestWorkflowEnvironment } from '@temporalio/testing';

import type { Config } from '../config/env';
import { CASE_SEARCH_ATTRIBUTE_KEYS } from '../contracts/search-attributes';
import { missingBinaryHelp, resolveTemporalBinary } from './binaries';

export interface TemporalEndpoint {
  address: string;
  namespace: string;
  /** The Web UI, when Reunify started the server itself. */
  uiUrl?: string;
  /** Where the embedded server keeps its data, when Reunify started it. */
  dbFile?: string;
  /** The embedded server's Prometheus metrics, when TEMPORAL_METRICS_PORT is set. */
  metricsUrl?: string;
  /** Stops the server if Reunify started it; a no-op for an external one. */
  shutdown(): Promise<void>;
}

/**
 * SQLite's write-ahead log with `synchronous=normal`: measured on these machines it doubles the
 * dev server's throughput and cuts p99 ninefold. It survives a crash of the process; only an OS
 * crash can lose the last commits.
 */
export const DEV_SERVER_SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'] as const;

/**
 * Connects to the configured Temporal server, or starts the CLI's dev server with its data on
 * disk (cases survive a restart) when TEMPORAL_ADDRESS is unset.
 */
export async function startTemporal(config: Config, onProgress: (message: string) => void): Promise<TemporalEndpoint> {
  const { temporal } = config;
  if (temporal.address) {
    return { address: temporal.address, namespace: temporal.namespace, shutdown: async () => {} };
  }
  const executable = resolveTemporalBinary('temporal', {
    explicitPath: temporal.cliPath,
    toolsDir: config.toolsDir,
    onProgress,
  });
  mkdirSync(config.dataDir, { recursive: true });
  const dbFile = join(config.dataDir, 'temporal.sqlite');
  onProgress(`Starting the Temporal dev server (data in ${dbFile})...`);
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        dbFilename: dbFile,
        ip: '127.0.0.1',
        port: temporal.devServerPort,
        ui: true,
        uiPort: temporal.devServerUiPort,
        namespace: temporal.namespace,
        searchAttributes: CASE_SEARCH_ATTRIBUTE_KEYS,
        extraArgs: [
          ...DEV_SERVER_SQLITE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma]),
          ...(temporal.devServerMetricsPort === undefined ? [] : ['--metrics-port', String(temporal.devServerMetricsPort)]),
        ],
      },
    });
  } catch (err) {
    if (executable.type === 'cached-download') throw missingBinaryHelp('temporal', config.toolsDir, err);
    throw new Error(
      `The Temporal dev server did not start: ${(err as Error).message}. Is port ${temporal.devServerPort} or ${temporal.devServerUiPort} taken (another \`npm start\`)? Set TEMPORAL_PORT / TEMPORAL_UI_PORT, or TEMPORAL_ADDRESS to use a running server.`,
      { cause: err },
    );
  }
  return {
    address: env.address,
    namespace: temporal.namespace,
    uiUrl: `http://127.0.0.1:${temporal.devServerUiPort}`,
    ...(temporal.devServerMetricsPort === undefined ? {} : { metricsUrl: `http://127.0.0.1:${temporal.devServerMetricsPort}/metrics` }),
    dbFile,
    shutdown: () => env.teardown(),
  };
}

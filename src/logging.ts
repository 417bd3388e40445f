import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { LogLevel } from '@temporalio/worker';
import pino from 'pino';
import type { Logger } from 'pino';

import type { Config } from './config/env';

/**
 * One structured (JSON) logger for the process; the Temporal SDK's own logs go through it too. With
 * `sdkMetricsBindAddress`, the SDK also exports its metrics there (Prometheus).
 */
export function createLogger(config: Pick<Config, 'logLevel'>, name = 'reunify', sdkMetricsBindAddress?: string): Logger {
  const logger = pino({ name, level: config.logLevel });
  const temporalLevel: LogLevel = config.logLevel === 'debug' || config.logLevel === 'trace' ? 'DEBUG' : 'WARN';
  Runtime.install({
    // The process's entry point owns shutdown (it stops the API before the worker, and the worker
    // before the connections): the SDK must not react to signals on its own.
    shutdownSignals: [],
    ...(sdkMetricsBindAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: sdkMetricsBindAddress } } } } : {}),
    logger: new DefaultLogger(temporalLevel, (entry) => {
      const level = entry.level === 'TRACE' ? 'trace' : (entry.level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error');
      logger[level]({ ...entry.meta, source: 'temporal' }, entry.message);
    }),
  });
  return logger;
}

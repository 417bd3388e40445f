import { createServer } from 'node:http';
import type { Server } from 'node:http';

import type { Metrics } from '../metrics/metrics';
import { METRICS_CONTENT_TYPE, metricsText } from '../metrics/metrics';

/** A worker process's own /metrics (its activities' metrics and the Temporal SDK's), for Prometheus. */
export async function startWorkerMetricsServer(metrics: Metrics, host: string, port: number, sdkMetricsUrl?: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Only GET /metrics here.\n');
      return;
    }
    metricsText(metrics, sdkMetricsUrl).then(
      (text) => response.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(text),
      (err: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`Metrics failed: ${(err as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}

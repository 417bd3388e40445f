import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';

import { RefusalCodeSchema } from '../../domain/refusals';
import type { Metrics } from '../../metrics/metrics';
import { METRICS_CONTENT_TYPE, metricsText } from '../../metrics/metrics';
import { AppError } from '../../services/errors';

const metricsRoute = {
  summary: 'Prometheus metrics',
  description:
    "This process's metrics in Prometheus text format (no case ids, no child's data), and the Temporal SDK's when the worker runs in this process. Unauthenticated, like /health: expose it to your Prometheus only. docs/metrics.md lists them.",
  tags: ['ops'],
  produces: ['text/plain'],
  response: { 200: z.string().describe('Prometheus text exposition format, version 0.0.4') },
} satisfies FastifySchema;

/** What counts as a refusal: the case's own codes, a caller outside the case's care provider, a refused acknowledgement. */
const REFUSALS: ReadonlySet<string> = new Set([...RefusalCodeSchema.options, 'out_of_scope', 'ack_refused', 'history_refused']);

/** Times every request by its route pattern, counts refusals by code, and serves GET /metrics. */
export function registerMetrics(app: FastifyInstance, metrics: Metrics, sdkMetricsUrl?: string): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.addHook('onError', async (_request, _reply, err) => {
    if (err instanceof AppError && REFUSALS.has(err.code)) metrics.refusals.inc({ code: err.code });
  });
  app.get('/metrics', { schema: metricsRoute }, async (_request, reply) =>
    reply.type(METRICS_CONTENT_TYPE).send(await metricsText(metrics, sdkMetricsUrl)),
  );
}

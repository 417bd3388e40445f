import type { ServerResponse } from 'node:http';

import type { FastifyRequest, FastifySchema } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { AlertListSchema, AlertViewSchema } from '../../contracts/read-model';
import type { AlertEventView } from '../../db/queries';
import type { AlertService } from '../../services/alert-service';
import { principalOf } from '../auth';
import { AcknowledgeAlertBodySchema, AlertParamsSchema, AlertStreamQuerySchema, ErrorSchema, ListAlertsQuerySchema } from '../schemas';

export interface AlertRoutesOptions {
  alerts: AlertService;
  /** How often the live stream looks for new alert events. */
  streamPollMs?: number;
}

const listAlerts = {
  summary: 'List alerts',
  description: 'Newest first, from the database. Filters combine.',
  tags: ['alerts'],
  querystring: ListAlertsQuerySchema,
  response: { 200: AlertListSchema, 400: ErrorSchema, 403: ErrorSchema },
} satisfies FastifySchema;

const alertStream = {
  summary: 'Live alerts (Server-Sent Events)',
  description:
    'Each event is `alert.fired`, `alert.acknowledged` or `alert.resolved` with the alert as data and a numeric id, in commit order. A new client gets what happens from now on (the past is in GET /alerts); after a reconnect, the Last-Event-ID header (browsers send it) or `lastEventId` resumes right after the last event seen.',
  tags: ['alerts'],
  querystring: AlertStreamQuerySchema,
} satisfies FastifySchema;

const acknowledgeAlert = {
  summary: 'Acknowledge an alert',
  description:
    'Records who acknowledged and when. Repeats of the alert at its level stop until the next level. Sent to the case (a Workflow Update), which refuses an alert already acknowledged or resolved.',
  tags: ['alerts'],
  params: AlertParamsSchema,
  body: AcknowledgeAlertBodySchema,
  response: { 200: AlertViewSchema, 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 503: ErrorSchema },
} satisfies FastifySchema;

/** Alerts over HTTP: lists and acknowledgements through the alert service, and the live stream (SSE). */
export const alertRoutes: FastifyPluginAsyncZod<AlertRoutesOptions> = async (app, { alerts, streamPollMs = 1000 }) => {
  const streams = new Set<ServerResponse>();
  // Before the server waits for connections to end: an open stream never would by itself.
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });

  app.get('/alerts', { schema: listAlerts }, async (request) => alerts.list(principalOf(request), request.query));

  app.get('/alerts/stream', { schema: alertStream }, async (request, reply) => {
    const principal = principalOf(request);
    const header = request.headers['last-event-id'];
    const fromHeader = typeof header === 'string' && /^\d{1,19}$/.test(header) ? header : undefined;
    const resumeFrom = fromHeader ?? request.query.lastEventId;
    const lastId = await alerts.streamStart(resumeFrom === undefined ? undefined : BigInt(resumeFrom));
    reply.hijack();
    streams.add(reply.raw);
    await streamAlerts(request, reply.raw, {
      after: lastId,
      pollMs: streamPollMs,
      read: (after, take) => alerts.eventsAfter(principal, after, take),
    });
    streams.delete(reply.raw);
  });

  app.post('/alerts/:id/ack', { schema: acknowledgeAlert }, async (request) =>
    alerts.acknowledge(principalOf(request), request.params.id, request.body.note),
  );
};

const STREAM_BATCH = 200;
/** A comment now and then keeps proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;

/** Writes alert events to a Server-Sent Events response as they commit, until the client goes. */
async function streamAlerts(
  request: FastifyRequest,
  raw: ServerResponse,
  { after, pollMs, read }: { after: bigint; pollMs: number; read: (after: bigint, take: number) => Promise<AlertEventView[]> },
): Promise<void> {
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write('retry: 2000\n\n');
  let open = true;
  const stop = () => (open = false);
  request.raw.on('close', stop);
  raw.on('close', stop);
  let lastId = after;
  let sinceWrite = 0;
  while (open) {
    try {
      const events = await read(lastId, STREAM_BATCH);
      for (const event of events) {
        raw.write(`id: ${event.id}\nevent: alert.${event.type}\ndata: ${JSON.stringify({ at: event.at, alert: event.alert })}\n\n`);
        lastId = event.id;
      }
      sinceWrite = events.length > 0 ? 0 : sinceWrite + pollMs;
      if (sinceWrite >= KEEP_ALIVE_MS) {
        raw.write(': keep-alive\n\n');
        sinceWrite = 0;
      }
      if (events.length === STREAM_BATCH) continue;
    } catch (err) {
      request.log.warn({ err }, 'alert stream: reading events failed; retrying');
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

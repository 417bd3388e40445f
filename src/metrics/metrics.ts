import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import type { PrismaClient } from '../db/generated/client';

/**
 * Reunify's Prometheus metrics (prom-client), one registry per process: the API's requests and
 * refusals, the worker's transitions, alerts and discharges, and gauges read from the read model
 * at each scrape. No metric carries a child's data or a case id: labels are events, codes, rules,
 * levels, stages and routes. docs/metrics.md lists them; docs/grafana-dashboard.json charts them.
 */
export interface Metrics {
  registry: Registry;
  transitions: Counter<'event'>;
  refusals: Counter<'code'>;
  alertsFired: Counter<'rule' | 'level' | 'kind'>;
  alertLateness: Histogram<'rule'>;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  lengthOfStay: Histogram<'exit'>;
}

const EXIT_OF_EVENT: Record<string, string> = { RELEASE_CHILD: 'released', AGE_OUT: 'aged_out', DEPART: 'departed' };

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'reunify_process_' });
  return {
    registry,
    transitions: new Counter({
      name: 'reunify_transitions_total',
      help: 'Case transitions written to the read model, by event',
      labelNames: ['event'],
      registers: [registry],
    }),
    refusals: new Counter({
      name: 'reunify_refusals_total',
      help: 'Refused requests and decisions, by refusal code (role_not_permitted, not_allowed_in_state, ...)',
      labelNames: ['code'],
      registers: [registry],
    }),
    alertsFired: new Counter({
      name: 'reunify_alerts_fired_total',
      help: 'Alerts fired, by target rule, level and kind (warning, escalation)',
      labelNames: ['rule', 'level', 'kind'],
      registers: [registry],
    }),
    alertLateness: new Histogram({
      name: 'reunify_alert_lateness_seconds',
      help: 'How long after its due time an alert fired',
      labelNames: ['rule'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86_400],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'reunify_http_request_duration_seconds',
      help: 'API request duration, by method, route pattern and status',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [registry],
    }),
    lengthOfStay: new Histogram({
      name: 'reunify_length_of_stay_days',
      help: 'Days from admission to discharge of each child discharged, by exit',
      labelNames: ['exit'],
      buckets: [1, 3, 7, 10, 14, 21, 30, 45, 60, 90, 180, 365],
      registers: [registry],
    }),
  };
}

/** Counts transitions the projection inserted, and observes each discharge's length of stay. */
export function observeTransitions(
  metrics: Metrics | undefined,
  admittedAt: string,
  inserted: readonly { event: string; at: string }[],
): void {
  if (!metrics) return;
  for (const { event, at } of inserted) {
    metrics.transitions.inc({ event });
    const exit = EXIT_OF_EVENT[event];
    if (exit) metrics.lengthOfStay.observe({ exit }, (Date.parse(at) - Date.parse(admittedAt)) / 86_400_000);
  }
}

/**
 * Gauges read from the read model at each scrape: open cases by stage, and how many are at risk or
 * breached now (the same definitions as GET /analytics/risk).
 */
export function registerReadModelGauges(metrics: Metrics, prisma: PrismaClient): void {
  new Gauge({
    name: 'reunify_open_cases',
    help: 'Cases not closed, by stage (status), from the read model',
    labelNames: ['stage'],
    registers: [metrics.registry],
    async collect() {
      const rows = await prisma.case.groupBy({ by: ['status'], where: { status: { not: 'closed' } }, _count: { _all: true } });
      this.reset();
      for (const row of rows) this.set({ stage: row.status }, row._count._all);
    },
  });
  new Gauge({
    name: 'reunify_open_cases_at_risk',
    help: 'Open cases with a warning fallen due and no deadline missed',
    registers: [metrics.registry],
    async collect() {
      const now = new Date();
      this.set(await prisma.case.count({ where: { status: { not: 'closed' }, nextDeadlineAt: { gt: now }, atRiskAt: { lte: now } } }));
    },
  });
  new Gauge({
    name: 'reunify_open_cases_breached',
    help: 'Open cases with a deadline missed',
    registers: [metrics.registry],
    async collect() {
      this.set(await prisma.case.count({ where: { status: { not: 'closed' }, nextDeadlineAt: { lte: new Date() } } }));
    },
  });
}

/**
 * The metrics text of a scrape: this process's registry, then the Temporal SDK's own (its
 * Prometheus exporter, when the runtime was installed with one), so one target serves both.
 */
export async function metricsText(metrics: Metrics, sdkMetricsUrl?: string): Promise<string> {
  const own = await metrics.registry.metrics();
  if (!sdkMetricsUrl) return own;
  try {
    const response = await fetch(sdkMetricsUrl, { signal: AbortSignal.timeout(2_000) });
    return `${own}\n${await response.text()}`;
  } catch {
    return `${own}\n# The Temporal SDK's metrics at ${sdkMetricsUrl} did not answer.\n`;
  }
}

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * What the clients (the API, the worker, the benchmark's load) asked of the Temporal server, from
 * the dev server's Prometheus metrics (`TEMPORAL_METRICS_PORT`, which the benchmark sets when it
 * starts the server itself): requests to its frontend by operation, and the persistence requests
 * they caused. A transition beside a raw Update, operation by operation, says what the server does
 * for a case that it does not do for a no-op Update.
 */

export interface ServerRequests {
  /** Frontend requests by operation (UpdateWorkflowExecution, PollWorkflowTaskQueue, ...). */
  frontend: Record<string, number>;
  /** Persistence requests of every service, all operations. */
  persistence: number;
}

const LINE = /^(service_requests|persistence_requests)\{([^}]*)\} (\S+)$/;

/**
 * How long the server's counters may lag the requests they count: its metrics are reported at an
 * interval, and a phase of a second would otherwise lose its last requests (or gain the previous
 * phase's). Each sample waits it out first; no phase is timed across a sample.
 */
const SETTLE_MS = 2_000;

/** The server's counters once settled; undefined without a metrics endpoint or when it does not answer. */
export async function sampleServerRequests(metricsUrl: string | undefined): Promise<ServerRequests | undefined> {
  if (!metricsUrl) return undefined;
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  let text: string;
  try {
    text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) })).text();
  } catch {
    return undefined;
  }
  const sample: ServerRequests = { frontend: {}, persistence: 0 };
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    const [, metric, labels, value] = match;
    if (metric === 'persistence_requests') {
      sample.persistence += Number(value);
      continue;
    }
    const operation = /operation="([^"]+)"/.exec(labels!)?.[1];
    if (operation && labels!.includes('service_name="frontend"'))
      sample.frontend[operation] = (sample.frontend[operation] ?? 0) + Number(value);
  }
  return sample;
}

/** Requests per item (a transition, an Update) between two samples; operations under 0.01 an item left out. */
export function serverRequestsPerItem(
  before: ServerRequests | undefined,
  after: ServerRequests | undefined,
  items: number,
): ServerRequests | undefined {
  if (!before || !after || items <= 0) return undefined;
  const per = (n: number) => Math.round((n * 100) / items) / 100;
  const frontend: Record<string, number> = {};
  for (const [operation, count] of Object.entries(after.frontend)) {
    const n = per(count - (before.frontend[operation] ?? 0));
    if (n >= 0.01) frontend[operation] = n;
  }
  return { frontend, persistence: per(after.persistence - before.persistence) };
}

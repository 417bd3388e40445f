import { createServer } from 'node:net';

/**
 * Where the Temporal SDK's own Prometheus exporter listens: a free loopback port, found before the
 * runtime is installed (the exporter needs a concrete address). Its text is served through this
 * process's /metrics, so a deployment scrapes one target per process.
 */
export async function sdkMetricsAddress(): Promise<{ bindAddress: string; url: string }> {
  const port = await new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: found } = server.address() as { port: number };
      server.close(() => resolve(found));
    });
  });
  return { bindAddress: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}/metrics` };
}

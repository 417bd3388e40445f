/**
 * The small reverse proxy in front of the cluster's API processes: each request to the next in
 * turn, and to the one after when a process does not take the connection (stopped, killed). A
 * request a process took and then dropped is not sent again: only its client knows whether to
 * retry (with its Idempotency-Key). Streams (the alerts' Server-Sent Events) pass through as they come.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer, request as httpRequest } from 'node:http';

function forward(target: URL, incoming: IncomingMessage, body: Buffer, reply: ServerResponse): Promise<'refused' | 'done'> {
  return new Promise((resolve) => {
    const outgoing = httpRequest(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        reply.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(reply);
        answer.on('end', () => resolve('done'));
        answer.on('error', () => resolve('done'));
      },
    );
    outgoing.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' && !reply.headersSent) return resolve('refused');
      if (!reply.headersSent) reply.writeHead(502, { 'content-type': 'application/json' });
      reply.end(JSON.stringify({ error: 'Bad Gateway', code: 'upstream_dropped', message: 'The API process dropped the request.' }));
      resolve('done');
    });
    // The client gone before its answer: drop the upstream request too. (Not the request's own
    // 'close', which Node emits as soon as its body has been read.)
    reply.on('close', () => {
      if (!reply.writableFinished) outgoing.destroy();
    });
    outgoing.end(body);
  });
}

/** Listens on 127.0.0.1:`port` (0: one the OS picks) and spreads requests over `upstreams()` round robin. */
export async function startProxy(upstreams: () => string[], port = 0): Promise<{ server: Server; base: string }> {
  let next = 0;
  const server = createServer((incoming, reply) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      void (async () => {
        const bases = upstreams();
        for (let tried = 0; tried < bases.length; tried += 1) {
          const target = new URL(bases[next++ % bases.length]!);
          if ((await forward(target, incoming, Buffer.concat(chunks), reply)) === 'done') return;
        }
        reply.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5' });
        reply.end(
          JSON.stringify({ error: 'Service Unavailable', code: 'no_api_process', message: 'No API process takes connections now.' }),
        );
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The proxy has no address');
  return { server, base: `http://127.0.0.1:${address.port}` };
}

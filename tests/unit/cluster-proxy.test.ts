import type { Server } from 'node:http';
import { createServer } from 'node:http';

import { startProxy } from '../../scripts/cluster/proxy';
import { freePort } from '../../src/processes';

/** An upstream that answers with its name, the method and the body it read. */
async function upstream(name: string): Promise<{ server: Server; base: string }> {
  const server = createServer((request, reply) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      // Answer a little later, as an API does after its Temporal round trip.
      setTimeout(() => {
        reply.writeHead(200, { 'content-type': 'application/json' });
        reply.end(JSON.stringify({ name, method: request.method, body: Buffer.concat(chunks).toString() }));
      }, 20);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { server, base: `http://127.0.0.1:${address.port}` };
}

describe("the cluster's round-robin proxy", () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  it('passes each request with its body to the next process in turn, skipping one that refuses connections', async () => {
    const [a, b] = [await upstream('api-1'), await upstream('api-2')];
    const gone = `http://127.0.0.1:${await freePort()}`;
    let bases = [a.base, b.base];
    const front = await startProxy(() => bases);
    servers.push(a.server, b.server, front.server);
    const post = async (body: string) => {
      const response = await fetch(`${front.base}/cases`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    expect([await post('{"n":1}'), await post('{"n":2}')]).toEqual([
      { status: 200, body: { name: 'api-1', method: 'POST', body: '{"n":1}' } },
      { status: 200, body: { name: 'api-2', method: 'POST', body: '{"n":2}' } },
    ]);
    bases = [gone, b.base];
    expect(await post('{"n":3}')).toEqual({ status: 200, body: { name: 'api-2', method: 'POST', body: '{"n":3}' } });
    bases = [gone];
    expect(await post('{"n":4}')).toMatchObject({ status: 503, body: { code: 'no_api_process' } });
  });
});

/**
 * The cluster's control endpoint for its end-to-end tests, which run in another process (jest):
 * they list the processes and kill (-9) or start one, as the fault suite does in its own process.
 * Listens on 127.0.0.1 only and answers only the bearer token it was started with.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';

import type { Stack } from '../faults/stack';
import type { ClusterProcess } from './description';

export interface Control {
  base: string;
  token: string;
  close(): void;
}

const listed = (stack: Stack): ClusterProcess[] => stack.members.map((m) => ({ name: m.name, pid: m.running?.child.pid ?? null }));

async function handle(stack: Stack, token: string, request: IncomingMessage, reply: ServerResponse): Promise<void> {
  const answer = (status: number, body: unknown): void => {
    reply.writeHead(status, { 'content-type': 'application/json' });
    reply.end(JSON.stringify(body));
  };
  if (request.headers.authorization !== `Bearer ${token}`) return answer(401, { message: 'The control token is missing or wrong.' });
  if (request.method === 'GET' && request.url === '/processes') return answer(200, listed(stack));
  const action = /^\/processes\/([\w-]+)\/(kill|start)$/.exec(request.url ?? '');
  if (request.method !== 'POST' || !action) return answer(404, { message: 'GET /processes, POST /processes/:name/kill|start' });
  const [, name, verb] = action as unknown as [string, string, 'kill' | 'start'];
  if (!stack.members.some((m) => m.name === name)) {
    return answer(404, { message: `No process ${name}; there are ${stack.members.map((m) => m.name).join(', ')}` });
  }
  try {
    if (verb === 'kill') await stack.kill(name);
    else if (!stack.member(name).running) await stack.member(name).start();
    answer(
      200,
      listed(stack).find((p) => p.name === name),
    );
  } catch (err) {
    answer(500, { message: (err as Error).message });
  }
}

export async function startControl(stack: Stack): Promise<Control> {
  const token = randomBytes(24).toString('hex');
  const server = createServer((request, reply) => {
    request.resume();
    request.on('end', () => void handle(stack, token, request, reply));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The control endpoint has no address');
  return { base: `http://127.0.0.1:${address.port}`, token, close: () => server.close() };
}

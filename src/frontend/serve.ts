import { existsSync } from 'node:fs';
import { join } from 'node:path';

import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Serves the built web application at `/` (its routes live in the URL's fragment, so they never
 * meet the API's paths): the page, its icon, and its assets under /assets/. Any other path is still
 * the API's JSON 404. A rebuild while the server runs is served at once (files are read per request).
 */
export async function registerWebApp(app: FastifyInstance, root: string): Promise<void> {
  if (!existsSync(join(root, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web application is not built: run `npm run build:web` (or `npm install`), then restart.\n'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: '/assets/',
    preCompressed: true,
    cacheControl: false,
    // Vite names assets by their content's hash: one never changes, so browsers keep it.
    setHeaders: (res) => res.setHeader('cache-control', 'public, max-age=31536000, immutable'),
  });
  for (const [path, file] of [
    ['/', 'index.html'],
    ['/index.html', 'index.html'],
    ['/favicon.svg', 'favicon.svg'],
  ] as const) {
    app.get(path, { schema: { hide: true } }, (_request, reply) => reply.header('cache-control', 'no-cache').sendFile(file, root));
  }
}

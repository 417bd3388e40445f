import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

import type { Plugin } from 'vite';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Writes a Brotli and a gzip copy beside each text asset, which @fastify/static sends to browsers
 * that accept them (`preCompressed`): the server compresses nothing per request.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'reunify-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    writeBundle(_options, bundle) {
      for (const name of Object.keys(bundle).filter((file) => /\.(js|css|html|svg|json)$/.test(file))) {
        const file = join(outDir, name);
        const content = readFileSync(file);
        writeFileSync(`${file}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
      }
    },
  };
}

/** The API's paths, for `npm run dev:web` (Vite's dev server in front of a running `npm start`). */
const API_PATHS = [
  '/cases',
  '/alerts',
  '/targets',
  '/session',
  '/auth',
  '/docs',
  '/health',
  '/analytics',
  '/reports',
  '/simulations',
  '/imports',
];

export default defineConfig({
  root,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: join(root, 'dist'),
    target: 'es2022',
    sourcemap: false,
    manifest: true,
    reportCompressedSize: false,
    // ECharts (about 600 kB, 200 kB compressed) is its own chunk, loaded only by pages with a chart.
    chunkSizeWarningLimit: 700,
  },
  plugins: [precompress()],
  server: {
    proxy: Object.fromEntries(API_PATHS.map((path) => [path, { target: process.env.REUNIFY_API ?? 'http://127.0.0.1:3000' }])),
  },
});

import { join, resolve } from 'node:path';

/** Where the web application's sources are (web/) and where its build goes (web/dist, not committed). */
export const WEB_DIR = resolve(__dirname, '..', '..', 'web');
export const WEB_DIST = join(WEB_DIR, 'dist');
/** What a build reads besides web/: the shared zod contracts. */
export const WEB_INPUTS = [
  join(WEB_DIR, 'src'),
  join(WEB_DIR, 'index.html'),
  join(WEB_DIR, 'vite.config.ts'),
  resolve(WEB_DIR, '..', 'src', 'contracts'),
];

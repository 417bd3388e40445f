import { join, resolve } from 'node:path';

/** Where the web application's sources are (web/) and where its build goes (web/dist, not committed). */
export const WEB_DIR = resolve(__dirname, '..', '..', 'web');
export const WEB_DIST = join(WEB_DIR, 'dist');
/** What a build reads besides web/: the shared zod contracts and the pure policy tables. */
export const WEB_INPUTS = [
  join(WEB_DIR, 'src'),
  join(WEB_DIR, 'index.html'),
  join(WEB_DIR, 'vite.config.mts'),
  resolve(WEB_DIR, '..', 'src', 'contracts'),
  resolve(WEB_DIR, '..', 'src', 'domain'),
];

import { defineConfig } from 'prisma/config';

import { loadConfig } from './src/config/env';
import { openDatabaseAdapter } from './src/db/adapter';
import { databaseUrlOf } from './src/db/locate';

// Only the Prisma CLI loads this file. It connects through the same adapter as the app, to the
// server in DATABASE_URL or to the embedded one that `npm start` / `npm run start:db` keeps running.

// The CLI finishes `migrate deploy` in about a second, then idles for ten: its wasm schema engine
// arms a 10 s timer that nothing waits on (measured: 11 s per run, every run). Unref such long
// timers so that the process ends when its work is done; nothing else loads this file.
const LONG_IDLE_TIMER_MS = 5_000;
const setTimeoutOriginal = globalThis.setTimeout;
globalThis.setTimeout = Object.assign((...args: Parameters<typeof setTimeout>) => {
  const timer = setTimeoutOriginal(...args);
  if ((args[1] ?? 0) >= LONG_IDLE_TIMER_MS) timer.unref();
  return timer;
}, setTimeoutOriginal) as typeof setTimeout;
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    return openDatabaseAdapter(databaseUrlOf(loadConfig().database)).factory;
  },
});

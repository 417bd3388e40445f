import { defineConfig } from 'prisma/config';

import { loadConfig } from './src/config/env';
import { openDatabaseAdapter } from './src/db/adapter';

// Only the Prisma CLI loads this file. It connects through the same adapter factory as the app,
// so `migrate deploy` reaches PGlite or the PostgreSQL server that DATABASE_URL names.

// The CLI finishes its work in a second or two but then idles for ten: PGlite's wasm Postgres and
// the wasm schema engine each arm a 10 s timer that nothing waits on. Unref such long timers so
// that the process ends when its work is done. (Closing PGlite ourselves on 'beforeExit' was tried
// and measured worse: with the schema engine's connection still open it left the data folder
// unreadable in one run of two; left alone, PGlite reopened cleanly in every run.)
const LONG_IDLE_TIMER_MS = 5_000;
const setTimeoutOriginal = globalThis.setTimeout;
globalThis.setTimeout = Object.assign(
  (...args: Parameters<typeof setTimeout>) => {
    const timer = setTimeoutOriginal(...args);
    if ((args[1] ?? 0) >= LONG_IDLE_TIMER_MS) timer.unref();
    return timer;
  },
  setTimeoutOriginal,
) as typeof setTimeout;

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    return openDatabaseAdapter(loadConfig().database).factory;
  },
});

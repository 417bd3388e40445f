/**
 * `npm run seed:demo [-- --cases 400 --days 120 --seed 16 --prefix DEMO --api http://127.0.0.1:3000]`:
 * fills a running Reunify (`npm start`) with demo cases admitted over the last months, through the
 * same import a deployment uses (POST /imports): the closed ones into the read model with their
 * history, the open ones running as real workflows from theirs, at every stage.
 */
import { parseArgs } from 'node:util';

import { ConfigError, loadConfig } from '../src/config/env';
import { adminApi } from './admin-api';
import { demoCases } from './demo/generate';

// Each open case replays its history in its first workflow task: batches a busy two-core worker keeps up with.
const BATCH = 50;

const HELP = `npm run seed:demo -- [options]

Fills a running Reunify (npm start, in another terminal) with demo cases, through POST /imports.

  --cases N     Children (default 400)
  --days N      Admitted over the last N days (default 120)
  --seed N      Random seed (default 16): the same seed gives the same cases
  --prefix P    Case ids P-0001... (default DEMO); seed again with another prefix
  --api URL     The API (default: this machine's, from the configuration)
  --help
`;

function options() {
  try {
    return parseArgs({
      options: {
        cases: { type: 'string', default: '400' },
        days: { type: 'string', default: '120' },
        seed: { type: 'string', default: '16' },
        prefix: { type: 'string', default: 'DEMO' },
        api: { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\n\n${HELP}`);
  }
}

async function main(): Promise<void> {
  const { values } = options();
  if (values.help) return void process.stdout.write(HELP);
  const [count, days, seed] = [Number(values.cases), Number(values.days), Number(values.seed)];
  if (![count, days, seed].every((n) => Number.isInteger(n) && n > 0))
    throw new ConfigError('--cases, --days and --seed are whole numbers above 0');
  const cases = demoCases({ count, days, seed, now: Date.now(), prefix: values.prefix! });
  const post = await adminApi(loadConfig(), values.api);
  const statuses: Record<string, number> = {};
  for (let from = 0; from < cases.length; from += BATCH) {
    const reply = await post('/imports', { cases: cases.slice(from, from + BATCH) });
    if (reply.status !== 201) {
      const exists = JSON.stringify(reply.body).includes('case_exists');
      throw new ConfigError(
        exists
          ? `Demo cases ${values.prefix}-... are there already (${String(reply.body['message'])}). Seed again with another --prefix, or start on an empty data folder.`
          : `The import refused the demo cases (HTTP ${reply.status}): ${JSON.stringify(reply.body).slice(0, 2000)}`,
      );
    }
    for (const c of reply.body['cases'] as { status: string }[]) statuses[c.status] = (statuses[c.status] ?? 0) + 1;
    process.stderr.write(`Imported ${Math.min(from + BATCH, cases.length)}/${cases.length}\n`);
  }
  const open = Object.entries(statuses).filter(([s]) => s !== 'closed');
  process.stdout.write(
    [
      `Seeded ${cases.length} demo cases: ${statuses['closed'] ?? 0} closed (read model), ${open.reduce((n, [, v]) => n + v, 0)} open (workflows):`,
      ...open.map(([s, n]) => `  ${s}: ${n}`),
      'See GET /analytics/length-of-stay, /analytics/stages, /analytics/flow and /cases?sort=least_time_left.',
      '',
    ].join('\n'),
  );
}

main().catch((err: Error) => {
  process.stderr.write(`${err.name === 'ConfigError' ? err.message : err.stack}\n`);
  process.exit(2);
});

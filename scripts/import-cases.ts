/**
 * `npm run import:cases -- file.json [--api http://127.0.0.1:3000]`: sends a file of past cases
 * (docs/imports.md) to the running API's POST /imports as an admin, and prints what came in, or
 * every refused history with its reason (then nothing was imported).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { ConfigError, loadConfig } from '../src/config/env';
import { adminApi } from './admin-api';

async function main(): Promise<void> {
  const { values, positionals } = (() => {
    try {
      return parseArgs({ options: { api: { type: 'string' } }, allowPositionals: true });
    } catch (err) {
      throw new ConfigError(`${(err as Error).message}\nUsage: npm run import:cases -- cases.json [--api URL] (docs/imports.md)`);
    }
  })();
  const file = positionals[0];
  if (!file) throw new ConfigError('Name the file to import: npm run import:cases -- cases.json');
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file} is not a JSON file this command can read: ${(err as Error).message}`);
  }
  const post = await adminApi(loadConfig(), values.api);
  const reply = await post('/imports', body);
  if (reply.status === 201) {
    const cases = reply.body['cases'] as { caseId: string; status: string; into: string }[];
    const open = cases.filter((c) => c.into === 'workflow').length;
    process.stdout.write(
      `Imported ${cases.length} cases: ${cases.length - open} closed into the read model, ${open} open running as workflows.\n`,
    );
    return;
  }
  process.stderr.write(`Nothing was imported (HTTP ${reply.status}): ${String(reply.body['message'])}\n`);
  for (const r of (reply.body['refusals'] ?? reply.body['issues'] ?? []) as Record<string, unknown>[]) {
    process.stderr.write(`  ${JSON.stringify(r)}\n`);
  }
  process.exitCode = 1;
}

main().catch((err: Error) => {
  process.stderr.write(`${err.name === 'ConfigError' ? err.message : err.stack}\n`);
  process.exit(2);
});

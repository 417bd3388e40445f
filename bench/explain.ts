import { writeFileSync } from 'node:fs';

import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

import { CatalogTextClient } from '../src/db/adapter';
import { PrismaClient } from '../src/db/generated/client';
import { codecFrom } from '../src/temporal/data-converter';
import { startApi } from './api';
import { progress } from './progress';
import { readShapes } from './read-path';
import type { Stack } from './stack';

/** The statements one request ran, each with its plan. */
interface Explained {
  sql: string;
  plan: string;
}

/** Where the explaining connections put each SELECT's plan, while a shape is being asked. */
const sink: { into: Explained[] | undefined } = { into: undefined };

/**
 * A connection that runs `EXPLAIN (ANALYZE, BUFFERS)` of every SELECT before the SELECT itself, with
 * the same parameters, while `sink.into` is set: the plans of exactly the SQL Prisma sends.
 */
class ExplainingClient extends CatalogTextClient {
  override query(...args: unknown[]): never {
    const into = sink.into;
    const config = args[0] as string | { text?: string; values?: unknown[] };
    const text = typeof config === 'string' ? config : config.text;
    const values = typeof config === 'string' ? args.find((arg) => Array.isArray(arg)) : config.values;
    if (!into || !text || !/^\s*(SELECT|WITH)\b/i.test(text)) return super.query(...args);
    const run = () => super.query(...args) as unknown;
    // pg's pool asks with a callback, Prisma's adapter with a promise: explain first, then ask.
    const explained = (super.query as (...a: unknown[]) => Promise<{ rows: Record<string, string>[] }>)({
      text: `EXPLAIN (ANALYZE, BUFFERS) ${text}`,
      values,
    }).then((result) => into.push({ sql: text, plan: result.rows.map((row) => row['QUERY PLAN']).join('\n') }));
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      explained.then(run, (err: unknown) => (callback as (err: unknown) => void)(err));
      return undefined as never;
    }
    return explained.then(run) as never;
  }
}

/**
 * `--explain`: asks each read shape once (its first page and the page after it) through an API
 * whose database connections explain every SELECT; writes the plans to `path`.
 */
export async function explainReadShapes(stack: Stack, path: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: stack.databaseUrl, Client: ExplainingClient, max: 2 });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const { app, api } = await startApi({
    config: stack.config,
    codec: codecFrom(stack.config),
    temporal: stack.client,
    prisma,
    taskQueue: 'bench-explain',
  });
  const out: string[] = [];
  try {
    for (const [name, shape] of Object.entries(readShapes())) {
      const token = api[shape.caller ?? 'supervisor'];
      const first: Explained[] = [];
      sink.into = first;
      const reply = await api.get(shape.path, token);
      const cursor = (reply.json as { nextCursor?: string | null }).nextCursor;
      const next: Explained[] = [];
      sink.into = next;
      if (cursor) await api.get(`${shape.path}&after=${cursor}`, token);
      sink.into = undefined;
      for (const [page, explained] of [
        ['first page', first],
        ['next page', next],
      ] as const)
        for (const { sql, plan } of explained) out.push(`=== ${name}, ${page}: GET ${shape.path}\n${sql.trim()}\n--\n${plan}\n`);
    }
  } finally {
    sink.into = undefined;
    await app.close();
    await prisma.$disconnect();
    await pool.end();
  }
  writeFileSync(path, out.join('\n'));
  progress(`Plans of every read shape: ${path}`);
}

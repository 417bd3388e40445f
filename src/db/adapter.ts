import { createHash } from 'node:crypto';

import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';

export interface DatabaseAdapter {
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** Ends the connection pool. */
  close(): Promise<void>;
}

// Type ids of PostgreSQL's catalog types `"char"` (18) and `name` (19). @prisma/adapter-pg 6.19
// refuses to deserialize them by type id, and the schema engine reads them from pg_catalog during
// `migrate deploy`; no pg type parser can help because the refusal keys on the id. Reporting them
// as text (25) is exact for both: they are strings on the wire.
const CATALOG_TEXT_TYPES = new Set([18, 19]);
const TEXT_OID = 25;

function retypeCatalogFields(result: unknown): void {
  const results = Array.isArray(result) ? result : [result];
  for (const r of results) {
    const fields = (r as { fields?: { dataTypeID: number }[] } | undefined)?.fields;
    if (!fields) continue;
    for (const field of fields) {
      if (CATALOG_TEXT_TYPES.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    }
  }
}

/** A pg.Client that reports catalog string types as text; see CATALOG_TEXT_TYPES. */
export class CatalogTextClient extends pg.Client {
  // pg's query() has many overloads (promise, callback, submittable); wrap them all generically.
  override query(...args: unknown[]): never {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      const callback = last as (err: Error | null, res: unknown) => void;
      args[args.length - 1] = (err: Error | null, res: unknown) => {
        if (!err) retypeCatalogFields(res);
        callback(err, res);
      };
      return (super.query as (...a: unknown[]) => never)(...args);
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    if (out && typeof (out as Promise<unknown>).then === 'function') {
      return (out as Promise<unknown>).then((res) => {
        retypeCatalogFields(res);
        return res;
      }) as never;
    }
    return out as never;
  }
}

/**
 * @prisma/adapter-pg 6.19 runs a migration script by splitting it on every ";", which cuts a
 * function body ($$ ... $$) in pieces. PostgreSQL takes a whole script in one simple query, and runs
 * it as one transaction: send it so. Prisma marks the migration finished in a statement of its own
 * afterwards, so a deploy killed in between leaves a migration applied but unfinished, which blocks
 * every later deploy (P3009). The mark goes into the script's own transaction too (Prisma keys
 * migrations by the SHA-256 of their script), so an unfinished migration always means one PostgreSQL
 * rolled back; src/db/migrations.ts then applies it again.
 */
function wholeScripts(factory: PrismaPg, pool: pg.Pool): SqlMigrationAwareDriverAdapterFactory {
  const connect = factory.connect.bind(factory);
  return Object.assign(Object.create(factory) as PrismaPg, {
    async connect() {
      const adapter = await connect();
      return Object.assign(adapter, {
        async executeScript(script: string): Promise<void> {
          await pool.query(`${script}\n;\n${markFinished(script)}`);
        },
      });
    },
  });
}

function markFinished(script: string): string {
  const checksum = createHash('sha256').update(script).digest('hex');
  return `DO $mark$ BEGIN
  IF to_regclass('"_prisma_migrations"') IS NOT NULL THEN
    UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1
     WHERE checksum = '${checksum}' AND finished_at IS NULL AND rolled_back_at IS NULL;
  END IF;
END $mark$;`;
}

/**
 * The one way the project reaches PostgreSQL, embedded or not: a pg pool under Prisma's adapter, for
 * the application and for the Prisma CLI alike.
 */
export function openDatabaseAdapter(url: string): DatabaseAdapter {
  const pool = new pg.Pool({
    connectionString: url,
    Client: CatalogTextClient,
    allowExitOnIdle: true,
    // A server that does not answer (stopped, cut off) fails a new connection after this, instead
    // of holding the request until the client gives up: the API answers 503 and the activity retries.
    connectionTimeoutMillis: 5_000,
  });
  // An idle connection the server ends (a restart, a dropped database) emits 'error' on the pool;
  // unhandled, that would crash the process. The pool opens a new one on next use.
  pool.on('error', () => undefined);
  return { factory: wholeScripts(new PrismaPg(pool), pool), close: () => pool.end() };
}

import { resolve } from 'node:path';

import { z } from 'zod';

import { StartupError } from '../startup-error';

/**
 * Every setting Reunify reads from the environment, parsed once. Nothing else in the code reads
 * `process.env`: the parsed config is passed down instead.
 */
const port = z.coerce.number().int().min(1).max(65535);
/** Empty strings count as unset, as shells and .env files commonly leave them. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

export const ConfigSchema = z
  .object({
    DATABASE_URL: optional(
      z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL; unset it to use the embedded PostgreSQL server'),
    ),
    REUNIFY_DATA_DIR: z.string().trim().min(1).default('data'),
    REUNIFY_POSTGRES_PORT: optional(port),
    TEMPORAL_ADDRESS: optional(
      z.string().regex(/^[^\s/:]+:\d+$/, 'must be host:port (e.g. temporal.example.org:7233); unset it to start the embedded dev server'),
    ),
    TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default('reunify-cases'),
    /** History events after which a new case continues as new (the workflow's default, 2,000, when unset); the fault suite lowers it. */
    REUNIFY_CASE_HISTORY_LIMIT: optional(z.coerce.number().int().min(40).max(40_000)),
    TEMPORAL_PORT: port.default(7233),
    TEMPORAL_UI_PORT: port.default(8233),
    TEMPORAL_METRICS_PORT: optional(port),
    TEMPORAL_CLI_PATH: optional(z.string()),
    TEMPORAL_TEST_SERVER_PATH: optional(z.string()),
    REUNIFY_TOOLS_DIR: z.string().trim().min(1).default('.tools'),
    API_HOST: z.string().trim().min(1).default('127.0.0.1'),
    API_PORT: port.default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ALERT_WEBHOOK_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL; unset it to send no webhook' })),
    ALERT_WEBHOOK_SECRET: optional(z.string().min(32, 'must be at least 32 characters (it signs every delivery)')),
    ALERT_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
    ALERT_STREAM_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    AUTH_JWT_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
    AUTH_JWKS_URL: optional(z.url({ protocol: /^https?$/, error: "must be the identity provider's JWKS URL (https://...)" })),
    AUTH_ISSUER: z.string().trim().min(1).default('reunify'),
    AUTH_AUDIENCE: z.string().trim().min(1).default('reunify-api'),
    API_CORS_ORIGINS: optional(z.string().trim().min(1)),
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
    // 0: a free port, named in the worker's "running" log line (several workers on one machine).
    WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(1_000_000).default(2_000),
    REUNIFY_CODEC_KEYS: optional(
      z
        .string()
        .regex(
          /^\s*[\w.-]+:[A-Za-z0-9+/]{43}=\s*(,\s*[\w.-]+:[A-Za-z0-9+/]{43}=\s*)*$/,
          'must be "id:<base64 of 32 bytes>[,id:<...>]" (the first seals new payloads; e.g. `openssl rand -base64 32`)',
        ),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.AUTH_JWT_SECRET && env.AUTH_JWKS_URL) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_JWKS_URL'], message: 'set either AUTH_JWT_SECRET or AUTH_JWKS_URL, not both' });
    }
    if (env.ALERT_WEBHOOK_URL && !env.ALERT_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['ALERT_WEBHOOK_SECRET'],
        message: 'is required when ALERT_WEBHOOK_URL is set (it signs every delivery)',
      });
    }
  })
  .transform((env) => ({
    database: env.DATABASE_URL
      ? ({ kind: 'server', url: env.DATABASE_URL } as const)
      : ({
          kind: 'embedded',
          dataDir: resolve(env.REUNIFY_DATA_DIR),
          // Not PostgreSQL's 5432, so that it never meets a system server; when unset and taken, another is chosen.
          port: env.REUNIFY_POSTGRES_PORT ?? 54329,
          portChosen: env.REUNIFY_POSTGRES_PORT !== undefined,
        } as const),
    dataDir: resolve(env.REUNIFY_DATA_DIR),
    toolsDir: resolve(env.REUNIFY_TOOLS_DIR),
    temporal: {
      /** Unset: the embedded dev server is started. */
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      caseHistoryLimit: env.REUNIFY_CASE_HISTORY_LIMIT,
      devServerPort: env.TEMPORAL_PORT,
      devServerUiPort: env.TEMPORAL_UI_PORT,
      /** Unset: the embedded dev server exports no Prometheus metrics. */
      devServerMetricsPort: env.TEMPORAL_METRICS_PORT,
      cliPath: env.TEMPORAL_CLI_PATH,
      testServerPath: env.TEMPORAL_TEST_SERVER_PATH,
    },
    api: {
      host: env.API_HOST,
      port: env.API_PORT,
      /** Unset: no CORS headers at all (browsers on other origins are refused). */
      corsOrigins: env.API_CORS_ORIGINS?.split(',').map((o) => o.trim()),
      rateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
    },
    /**
     * Open cases a worker keeps in memory (the SDK's default grows with the heap); one not cached
     * is rebuilt from its history on its next event or timer. Each costs about 1.4 MiB of heap
     * (src/worker/memory-budget.ts): 500 fit the 1 GiB heap `npm run start:worker` gives the worker.
     */
    workerMaxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
    /** `npm run start:worker` serves its metrics (and the Temporal SDK's) on this port, at /metrics. */
    workerMetricsPort: env.WORKER_METRICS_PORT,
    /** Unset: one key made once in the data folder (src/temporal/data-converter.ts). */
    codecKeys: env.REUNIFY_CODEC_KEYS,
    auth: {
      /** Neither set: the embedded default, a secret made once in the data folder (see src/auth/local-secret.ts). */
      key: env.AUTH_JWKS_URL
        ? ({ kind: 'jwks', url: env.AUTH_JWKS_URL } as const)
        : env.AUTH_JWT_SECRET
          ? ({ kind: 'secret', secret: env.AUTH_JWT_SECRET } as const)
          : ({ kind: 'local' } as const),
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
    },
    alerts: {
      webhook: env.ALERT_WEBHOOK_URL ? { url: env.ALERT_WEBHOOK_URL, secret: env.ALERT_WEBHOOK_SECRET! } : undefined,
      delivery: { webhookMaxAttempts: env.ALERT_WEBHOOK_MAX_ATTEMPTS, webhookInitialIntervalMs: 1000 },
      streamPollMs: env.ALERT_STREAM_POLL_MS,
    },
    logLevel: env.LOG_LEVEL,
  }));

export type Config = z.output<typeof ConfigSchema>;

export class ConfigError extends StartupError {
  override readonly name = 'ConfigError';
}

/** Parses an environment; throws a ConfigError that names each bad variable and why. */
export function parseConfig(environment: Record<string, string | undefined>): Config {
  const parsed = ConfigSchema.safeParse(environment);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration in the environment:\n${lines.join('\n')}`);
}

let cached: Config | undefined;

/** The process's configuration, read from `process.env` on first use and then kept. */
export function loadConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/**
 * The environment as this process hands it to the programs it runs (the Prisma CLI, PostgreSQL, pip)
 * and searches for executables (PATH). Not a way to read Reunify's settings: those come parsed from
 * loadConfig().
 */
export function inheritedEnvironment(): NodeJS.ProcessEnv {
  return process.env;
}

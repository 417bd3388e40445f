import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { PayloadCodec } from '@temporalio/common';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { tokenSettingsFrom } from '../auth/settings';
import type { TokenSettings, Verify } from '../auth/tokens';
import { createVerifier } from '../auth/tokens';
import type { Config } from '../config/env';
import { ROUTE_NOT_FOUND } from '../contracts/http-errors';
import { WEB_DIST } from '../frontend/paths';
import { registerWebApp } from '../frontend/serve';
import type { Metrics } from '../metrics/metrics';
import { createMetrics, registerReadModelGauges } from '../metrics/metrics';
import type { AppServices, ServiceConnections } from '../services/app-services';
import { createServices } from '../services/app-services';
import { registerAuthentication } from './auth';
import { errorHandler } from './http-errors';
import { BEARER_SECURITY_SCHEME, answerUndeclaredMethods, declareCommonAnswers, linkOpenedCase, refuseUnsafeInput } from './openapi';
import { alertRoutes } from './routes/alerts';
import { analyticsRoutes } from './routes/analytics';
import { bulkRoutes } from './routes/bulk';
import { caseRoutes } from './routes/cases';
import { codecRoutes } from './routes/codec';
import { importRoutes } from './routes/imports';
import { registerMetrics } from './routes/metrics';
import type { DevSignIn } from './routes/session';
import { sessionRoutes } from './routes/session';
import { simulationRoutes } from './routes/simulations';
import { targetRoutes } from './routes/targets';

/** How the API serves: logs, tokens, hardening, the live stream and the codec endpoint. */
export interface HttpOptions {
  logger?: FastifyBaseLogger | boolean;
  alertStreamPollMs?: number;
  /** Verifies bearer tokens (src/auth/tokens.ts). */
  verify: Verify;
  /** Origins allowed by CORS; unset: no CORS at all. */
  corsOrigins?: string[];
  /** Requests per minute per caller (token subject, else address). */
  rateLimitPerMinute?: number;
  /** The payload codec, for the Temporal UI's codec endpoint (none: no endpoint). */
  codec?: PayloadCodec;
  /** The process's metrics (the worker's too, when it runs here); default: the API's own. */
  metrics?: Metrics;
  /** The Temporal SDK's Prometheus exporter, appended to GET /metrics. */
  sdkMetricsUrl?: string;
  /** The built web application to serve at `/` (none: the API alone). */
  webRoot?: string;
  /** The development sign-in (POST /auth/dev-token): only on the embedded default's local secret. */
  devSignIn?: DevSignIn;
}

/**
 * What the routes call: services made from the process's Temporal client and database, or the
 * services themselves (tests pass fakes, to run the HTTP layer with neither).
 */
export type AppDeps = HttpOptions & (ServiceConnections | { services: AppServices });

/** The API's settings that come from configuration (the rest are the process's connections). */
export function appOptionsFrom(config: Config, codec: PayloadCodec) {
  const tokens = tokenSettingsFrom(config);
  return {
    taskQueue: config.temporal.taskQueue,
    ...(config.temporal.caseHistoryLimit === undefined ? {} : { caseHistoryLimit: config.temporal.caseHistoryLimit }),
    alertDelivery: config.alerts.delivery,
    alertStreamPollMs: config.alerts.streamPollMs,
    verify: createVerifier(tokens),
    corsOrigins: config.api.corsOrigins,
    rateLimitPerMinute: config.api.rateLimitPerMinute,
    codec,
    webRoot: WEB_DIST,
    devSignIn: devSignInFor(config, tokens),
  };
}

/** The development sign-in's key: the local secret of the embedded default, and nothing else. */
export function devSignInFor(config: Config, tokens: TokenSettings): DevSignIn | undefined {
  if (config.auth.key.kind !== 'local' || tokens.key.kind !== 'secret') return undefined;
  return { secret: tokens.key.secret, issuer: tokens.issuer, audience: tokens.audience };
}

/** Builds the HTTP API over its dependencies; does not listen (see src/api/main.ts and src/main.ts). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(typeof deps.logger === 'object' ? { loggerInstance: deps.logger } : { logger: deps.logger ?? false }),
    bodyLimit: 64 * 1024,
    requestIdHeader: 'x-request-id',
    // Longer than any id the routes take (alert ids up to 300), so that a long id is the schema's 400, not a 414.
    maxParamLength: 1_000,
    // A key `__proto__` is parsed as a plain own key (JSON.parse never sets a prototype) and refused
    // by refuseUnsafeInput with its path: Fastify's own refusal only says the body is not JSON.
    onProtoPoisoning: 'ignore',
    // A URL Fastify cannot route (too long a parameter, bad encoding) answers as every other error does.
    frameworkErrors: errorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  declareCommonAnswers(app);
  refuseUnsafeInput(app);
  const refuseUndeclaredMethods = answerUndeclaredMethods(app, { corsPreflight: Boolean(deps.corsOrigins?.length) });
  await registerHardening(app, deps);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error: 'Not Found',
      code: ROUTE_NOT_FOUND,
      message: `No route ${request.method} ${request.url}; see /docs for the API.`,
    });
  });
  await registerDocs(app);

  app.get(
    '/health',
    { schema: { summary: 'Liveness', tags: ['ops'], response: { 200: z.object({ ok: z.literal(true) }) } } },
    async () => ({ ok: true as const }),
  );
  const metrics = deps.metrics ?? createMetrics();
  if (!('services' in deps) && !deps.metrics) registerReadModelGauges(metrics, deps.prisma);
  registerMetrics(app, metrics, deps.sdkMetricsUrl);
  const services = 'services' in deps ? deps.services : createServices(deps, app.log);
  await app.register(caseRoutes, { cases: services.cases });
  await app.register(alertRoutes, { alerts: services.alerts, streamPollMs: deps.alertStreamPollMs });
  await app.register(targetRoutes, { targets: services.targets });
  await app.register(analyticsRoutes, { analytics: services.analytics });
  await app.register(bulkRoutes, { bulk: services.bulk });
  await app.register(importRoutes, { imports: services.imports });
  if (deps.codec) await app.register(codecRoutes, { codec: deps.codec });
  await app.register(sessionRoutes, { devSignIn: deps.devSignIn });
  // The simulator fits durations from the read model, so it is served where the database is.
  if (!('services' in deps)) await app.register(simulationRoutes, { prisma: deps.prisma });
  if (deps.webRoot) await registerWebApp(app, deps.webRoot);
  refuseUndeclaredMethods();
  return app;
}

/** Security headers, CORS when configured, authentication, then each caller's rate. */
async function registerHardening(app: FastifyInstance, deps: HttpOptions): Promise<void> {
  // The docs UI needs its inline scripts and styles.
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // Helmet's default asks browsers to fetch every asset over HTTPS; served over plain HTTP on a
        // host other than localhost (behind a TLS-terminating proxy is the production shape), the app
        // and /docs would then fail to load. TLS is the deployment's to provide (HSTS stays on).
        upgradeInsecureRequests: null,
      },
    },
  });
  if (deps.corsOrigins?.length) await app.register(fastifyCors, { origin: deps.corsOrigins, credentials: false });
  registerAuthentication(app, deps.verify);
  await app.register(fastifyRateLimit, {
    max: deps.rateLimitPerMinute ?? 600,
    timeWindow: '1 minute',
    // After authentication: a caller is their token's subject.
    hook: 'preHandler',
    keyGenerator: (request) => request.principal?.id ?? request.ip,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'Too Many Requests',
      code: 'rate_limited',
      message: `More than ${context.max} requests a minute; retry in ${Math.ceil(context.ttl / 1000)} s.`,
    }),
  });
}

/** The OpenAPI document, generated from the routes' zod schemas, and its UI at /docs. */
async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Reunify API',
        description:
          "Release decisions for children in ORR care: one durable workflow per child's case, from intake to release. Text never holds the character U+0000 (PostgreSQL cannot store it): a request with one is refused with 400.",
        version: '0.1.0',
      },
      tags: [
        { name: 'cases', description: "Children's cases and their transitions" },
        { name: 'alerts', description: 'Length-of-stay and stage alerts for supervisors' },
        { name: 'targets', description: 'The targets that drive the alerts' },
        { name: 'ops', description: 'Health and the payload codec' },
        { name: 'imports', description: 'Cases brought in from the system Reunify replaces (docs/imports.md)' },
        { name: 'bulk', description: "Supervisors' bulk actions, with each item's outcome" },
        { name: 'analytics', description: 'Outcomes: length of stay, where the days go, flow, cases at risk (docs/outcomes.md)' },
        { name: 'session', description: 'Who the caller is; signing in to the web application' },
      ],
      components: { securitySchemes: BEARER_SECURITY_SCHEME },
    },
    transform: jsonSchemaTransform,
    transformObject: (documents) =>
      linkOpenedCase(('openapiObject' in documents ? documents.openapiObject : documents.swaggerObject) as never),
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
}

import { fileURLToPath } from 'node:url';
import { limits } from '@closeloop/shared';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { type Config, loadConfig } from './config.ts';
import type { Database } from './db/client.ts';
import { authPlugin } from './plugins/auth.ts';
import { catalogPlugin } from './plugins/catalog.ts';
import { answerClientError, answerFrameworkError } from './plugins/client-errors.ts';
import { connectionsPlugin } from './plugins/connections.ts';
import { databasePlugin } from './plugins/database.ts';
import { databaseHealthPlugin } from './plugins/database-health.ts';
import { deliveryWorkerPlugin } from './plugins/delivery-worker.ts';
import { embeddedMaintenancePlugin } from './plugins/embedded-maintenance.ts';
import { jsonBodyPlugin } from './plugins/json-body.ts';
import { mailerPlugin } from './plugins/mailer.ts';
import { openApiPlugin } from './plugins/openapi.ts';
import { problemsPlugin } from './plugins/problems.ts';
import { parseQuery } from './plugins/query-string.ts';
import { rateLimitPlugin } from './plugins/rate-limit.ts';
import { readDatabasePlugin } from './plugins/read-database.ts';
import { redisPlugin } from './plugins/redis.ts';
import { requestIdOf, requestIdPlugin } from './plugins/request-id.ts';
import { retentionJobPlugin } from './plugins/retention-job.ts';
import { scheduledEmailsPlugin } from './plugins/scheduled-emails.ts';
import { securityHeadersPlugin } from './plugins/security-headers.ts';
import { staticAssets } from './plugins/static-assets.ts';
import { underPressurePlugin } from './plugins/under-pressure.ts';
import { authRoutes } from './routes/auth/index.ts';
import { healthRoutes } from './routes/health.ts';
import { managementRoutes } from './routes/management.ts';
import { unsubscribeRoutes } from './routes/notifications/unsubscribe.ts';
import { demoPages } from './routes/pages/demo.ts';
import { widgetRoutes } from './routes/widget/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<Config>;
  }
}

export interface BuildAppOptions {
  /** Overrides of the configuration (defaults: `loadConfig({})`, i.e. no environment). */
  config?: Partial<Config>;
  /**
   * An open, migrated database to use. The app does not close it (tests share one per file).
   * Without it the app opens (and closes) the database the configuration names, and migrates it.
   */
  database?: Database;
  logger?: FastifyServerOptions['logger'];
  widgetDir?: string;
  inboxDir?: string;
  /**
   * Run the webhook and email delivery worker in this process (default true). Tests that drive
   * deliveries themselves turn it off and call `app.deliveryWorker.drain()`.
   */
  deliveryWorker?: boolean;
  /** The clock of the scheduled jobs (retention, daily and weekly emails); tests move it. */
  now?: () => Date;
}

/** Builds the Closeloop API. Never listens: `server.ts` does, and tests use `app.inject()`. */
export async function buildApp(options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const config: Readonly<Config> = Object.freeze({ ...loadConfig({}), ...options.config });
  const app = Fastify({
    logger: options.logger ?? false,
    // Fastify's own request lines ("incoming request", "request completed") would bury the start
    // banner and the setup link under hundreds of lines at the default level; one line per
    // request is logged at debug instead (below). Errors and warnings are logged as before.
    logController: new LogController({ disableRequestLogging: true }),
    // false, true, a hop count or a list of proxy addresses/CIDRs (TRUST_PROXY).
    trustProxy: config.trustProxy as Exclude<FastifyServerOptions['trustProxy'], undefined>,
    bodyLimit: limits.maxIngestBodyBytes,
    requestIdHeader: false,
    genReqId: requestIdOf,
    routerOptions: { querystringParser: parseQuery },
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  }).withTypeProvider<ZodTypeProvider>();
  app.decorate('config', config);
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // External plugins (HTTP behaviour around every route)
  await app.register(requestIdPlugin);
  await app.register(connectionsPlugin);
  await app.register(problemsPlugin);
  await app.register(jsonBodyPlugin);
  await app.register(securityHeadersPlugin);
  await app.register(fastifyCookie);
  const embeddedDatabase =
    (options.database?.driver ?? (config.databaseUrl ? 'postgres' : 'pglite')) === 'pglite';
  await app.register(underPressurePlugin, { embeddedDatabase });
  await app.register(redisPlugin);
  await app.register(rateLimitPlugin);
  await app.register(openApiPlugin);

  // Application plugins
  await app.register(databasePlugin, { database: options.database });
  await app.register(databaseHealthPlugin);
  await app.register(authPlugin);
  await app.register(readDatabasePlugin);
  await app.register(catalogPlugin);
  await app.register(mailerPlugin);
  await app.register(deliveryWorkerPlugin, { enabled: options.deliveryWorker ?? true });
  await app.register(retentionJobPlugin, {
    intervalMinutes: config.retentionIntervalMinutes,
    ...(options.now ? { now: options.now } : {}),
  });
  await app.register(embeddedMaintenancePlugin, { intervalMinutes: 5 });
  await app.register(scheduledEmailsPlugin, {
    intervalSeconds: config.scheduledEmailsIntervalSeconds,
    ...(options.now ? { now: options.now } : {}),
  });

  // Routes
  await app.register(healthRoutes);
  await app.register(demoPages);
  await app.register(authRoutes);
  await app.register(unsubscribeRoutes);
  await app.register(widgetRoutes);
  app.decorate('managementRouteList', []);
  await app.register(managementRoutes);
  await app.register(staticAssets, {
    widgetDir: options.widgetDir ?? fileURLToPath(new URL('../../widget/dist', import.meta.url)),
    inboxDir: options.inboxDir ?? fileURLToPath(new URL('../../inbox/dist', import.meta.url)),
  });
  return app;
}

import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { limits } from '@closeloop/shared';
import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyUnderPressure from '@fastify/under-pressure';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { Redis } from 'ioredis';
import { type Config, loadConfig } from './config.ts';
import { type Database, openDatabase } from './db/client.ts';
import { authPlugin } from './plugins/auth.ts';
import { databasePlugin } from './plugins/database.ts';
import { mailerPlugin } from './plugins/mailer.ts';
import { problemsPlugin } from './plugins/problems.ts';
import { staticAssets } from './plugins/static-assets.ts';
import { authRoutes, sessionRoute } from './routes/auth/index.ts';
import { createEventsRoute } from './routes/events/create.ts';
import { followUpRoutes } from './routes/follow-up/index.ts';
import { followUpRuleRoutes } from './routes/follow-up-rules/index.ts';
import { healthRoutes } from './routes/health.ts';
import { keyRoutes } from './routes/keys/index.ts';
import { metricsRoutes } from './routes/metrics/index.ts';
import { demoPages } from './routes/pages/demo.ts';
import { projectRoutes } from './routes/project/index.ts';
import { createResponsesRoute } from './routes/responses/create.ts';
import { exportResponsesRoute } from './routes/responses/export.ts';
import { readResponsesRoutes } from './routes/responses/read.ts';
import { surveyRoutes } from './routes/surveys/index.ts';
import { userRoutes } from './routes/users/index.ts';
import { widgetConfigRoute } from './routes/widget/config.ts';

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
}

const requestIdPattern = /^[\w.:-]{1,128}$/;

/** Builds the Closeloop API. Never listens: `server.ts` does, and tests use `app.inject()`. */
export async function buildApp(options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const config: Readonly<Config> = Object.freeze({ ...loadConfig({}), ...options.config });
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: config.trustProxy,
    bodyLimit: limits.maxIngestBodyBytes,
    requestIdHeader: false,
    // A well-formed x-request-id from a proxy or client is kept, so logs correlate across hops.
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.decorate('config', config);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Beacons and preflight-free fetches send JSON as text/plain.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  // External plugins
  await app.register(problemsPlugin);
  await app.register(fastifyHelmet, {
    // The widget script and its endpoints are loaded by other sites.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    // Self-hosted over plain http on a LAN must keep working.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  await app.register(fastifyCookie);
  // PGlite runs in this thread: its queries block the event loop by design, so event-loop delay
  // says nothing about overload there and would turn slow aggregations into 503s.
  const embedded = (options.database?.driver ?? (config.databaseUrl ? 'postgres' : 'pglite')) === 'pglite';
  await app.register(fastifyUnderPressure, {
    maxEventLoopDelay: embedded ? 0 : 1000,
    exposeStatusRoute: false,
    pressureHandler: (_request, _reply, type, value) => {
      throw Object.assign(new Error(`The server is overloaded (${type}: ${value}); retry shortly`), {
        statusCode: 503,
        code: 'unavailable',
      });
    },
  });
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: false })
    : null;
  if (redis) app.addHook('onClose', async () => void (await redis.quit()));
  await app.register(fastifyRateLimit, { global: false, ...(redis ? { redis } : {}) });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Closeloop API',
        version: '1.0.0',
        description:
          'Collect CSAT, NPS and CES responses and follow them up. Errors are RFC 9457 problem+json; ' +
          'every response carries x-request-id.',
      },
      components: {
        securitySchemes: {
          secretKey: { type: 'http', scheme: 'bearer', description: 'A secret key (sk_…); acts as an admin' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'closeloop_session',
            description: 'A staff session (POST /v1/auth/login); changes also need the x-csrf-token header',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });

  // Application plugins
  let database = options.database;
  const ownsDatabase = !database;
  if (!database) {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      await database.migrate();
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  await app.register(databasePlugin, { database, closeOnShutdown: ownsDatabase });
  await app.register(authPlugin);
  await app.register(mailerPlugin);

  // Routes
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes);
  await app.register(demoPages);
  await app.register(authRoutes);
  await app.register(async (widget) => {
    // Preflights are answered for any origin; the request itself is refused (403) when the
    // project's allowlist does not hold the origin. The refusal stays readable for the widget.
    await widget.register(fastifyCors, {
      origin: true,
      methods: ['GET', 'POST'],
      maxAge: 86400,
      // The widget honours Retry-After on 429 and 503.
      exposedHeaders: ['retry-after'],
    });
    await widget.register(widgetConfigRoute);
    await widget.register(createResponsesRoute);
    await widget.register(createEventsRoute);
  });
  await app.register(async (management) => {
    management.addHook('onRequest', management.authenticate);
    await management.register(surveyRoutes);
    await management.register(readResponsesRoutes);
    await management.register(exportResponsesRoute);
    await management.register(metricsRoutes);
    await management.register(sessionRoute);
    await management.register(followUpRoutes);
    await management.register(followUpRuleRoutes);
    await management.register(userRoutes);
    await management.register(keyRoutes);
    await management.register(projectRoutes);
  });
  await app.register(staticAssets, {
    widgetDir: options.widgetDir ?? fileURLToPath(new URL('../../widget/dist', import.meta.url)),
    inboxDir: options.inboxDir ?? fileURLToPath(new URL('../../inbox/dist', import.meta.url)),
  });

  return app;
}

import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import querystring from 'node:querystring';
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
import { Errors } from './errors.ts';
import { documentProblems } from './openapi.ts';
import { authPlugin } from './plugins/auth.ts';
import { catalogPlugin } from './plugins/catalog.ts';
import { connectionsPlugin } from './plugins/connections.ts';
import { databasePlugin } from './plugins/database.ts';
import { jsonBodyPlugin } from './plugins/json-body.ts';
import { mailerPlugin } from './plugins/mailer.ts';
import { problemsPlugin, sendProblem } from './plugins/problems.ts';
import { sharedStoreWithLocalFallback } from './plugins/rate-limit-store.ts';
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

/** Query strings: an empty value (`?maxScore=`) means the parameter was not given. */
function parseQuery(text: string): Record<string, string | string[]> {
  const query = querystring.parse(text) as Record<string, string | string[]>;
  for (const [key, value] of Object.entries(query)) {
    const kept = Array.isArray(value) ? value.filter((item) => item !== '') : value;
    if (kept === '' || (Array.isArray(kept) && kept.length === 0)) delete query[key];
    else query[key] = Array.isArray(kept) && kept.length === 1 ? kept[0]! : kept;
  }
  return query;
}

/** Errors Node reports before a request exists (a bad request line, headers too large): problem+json too. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const code = status === 408 ? 'request_timeout' : status === 431 ? 'headers_too_large' : 'invalid_request';
  const requestId = randomUUID();
  const body = JSON.stringify({
    type: `urn:closeloop:problem:${code}`,
    title: STATUS_CODES[status],
    status,
    detail:
      status === 431
        ? 'The request headers are too large'
        : status === 408
          ? 'The request took too long to arrive'
          : 'The request is not valid HTTP',
    code,
    requestId,
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

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
    routerOptions: { querystringParser: parseQuery },
    // A malformed path (`/v1/surveys/%E0%A4%A`) is a problem like any other.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id);
      sendProblem(request, reply, 400, 'invalid_request', error.message);
    },
    clientErrorHandler: answerClientError,
  }).withTypeProvider<ZodTypeProvider>();

  app.decorate('config', config);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // External plugins
  await app.register(connectionsPlugin);
  await app.register(problemsPlugin);
  // Beacons and preflight-free fetches send JSON as text/plain.
  await app.register(jsonBodyPlugin);
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
  // Rate-limit counts are shared through Redis when REDIS_URL is set; while Redis cannot answer,
  // each replica counts on its own (plugins/rate-limit-store.ts) and says so once in the log.
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 })
    : null;
  let redisDown = false;
  const onRedisError = (error: Error) => {
    if (!redisDown)
      app.log.warn({ err: error }, 'Redis unavailable: rate limits count per replica until it is back');
    redisDown = true;
  };
  if (redis) {
    redis.on('error', onRedisError);
    redis.on('ready', () => {
      if (redisDown) app.log.info('Redis is back: rate limits are shared again');
      redisDown = false;
    });
    app.addHook('onClose', async () => void (await redis.quit().catch(() => redis.disconnect())));
    // Start counting in Redis from the first request: wait until it is ready, or has failed once.
    await new Promise<void>((resolve) => {
      const settle = () => {
        clearTimeout(timer);
        redis.off('ready', settle);
        redis.off('error', settle);
        resolve();
      };
      const timer = setTimeout(settle, 2000);
      redis.once('ready', settle);
      redis.once('error', settle);
    });
  }
  await app.register(fastifyRateLimit, {
    global: false,
    ...(redis ? { store: sharedStoreWithLocalFallback(redis, onRedisError) } : {}),
  });
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
    transformObject: documentProblems,
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
  await app.register(catalogPlugin);
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
      // An OPTIONS request that is not a preflight gets the route's own answer, not a text/plain 400.
      strictPreflight: false,
    });
    await widget.register(widgetConfigRoute);
    await widget.register(createResponsesRoute);
    await widget.register(createEventsRoute);
  });
  await app.register(async (management) => {
    management.addHook('onRequest', management.authenticate);
    // Management bodies are application/json only, as documented; text/plain is for the widget's
    // preflight-free sends, and a cross-site page could send it without asking.
    management.addHook('preValidation', async (request) => {
      if (request.body !== undefined && /^text\/plain\b/i.test(request.headers['content-type'] ?? '')) {
        throw new Errors.JsonRequired();
      }
    });
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

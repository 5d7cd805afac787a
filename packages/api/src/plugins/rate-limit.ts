import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sharedStoreWithLocalFallback } from './rate-limit-store.ts';

/**
 * @fastify/rate-limit for the routes that set `config.rateLimit` (none is limited by default).
 * The counts are shared through Redis when REDIS_URL is set; while Redis cannot answer, each
 * replica counts on its own (`rate-limit-store.ts`).
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance) => {
    const redis = app.redis;
    await app.register(fastifyRateLimit, {
      global: false,
      ...(redis ? { store: sharedStoreWithLocalFallback(redis.client, redis.unavailable) } : {}),
    });
  },
  { name: 'closeloop-rate-limit', dependencies: ['closeloop-redis'] },
);

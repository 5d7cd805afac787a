import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { hashClientAddress } from '../services/client-address.ts';
import {
  type Count,
  memoryCounter,
  RateLimitStore,
  rateLimitStoreClass,
  sharedCounterWithLocalFallback,
} from './rate-limit-store.ts';

export interface RateLimits {
  /** The store every limit counts in (Redis when REDIS_URL is set, else this process's memory). */
  store: RateLimitStore;
  /**
   * The key of a request's client: the keyed, daily-rotating hash of its address, never the
   * address itself (rate-limit keys are stored, in Redis among others).
   */
  clientKey(request: FastifyRequest): Promise<string>;
  /**
   * A preValidation hook counting what a request carries (`weigh` of its parsed body; at least 1)
   * against `max` per `timeWindow` milliseconds and client; over the limit: 429 with Retry-After.
   */
  limit(options: {
    name: string;
    max: number;
    timeWindow: number;
    weigh?: (body: unknown) => number;
  }): preValidationAsyncHookHandler;
}

declare module 'fastify' {
  interface FastifyInstance {
    rateLimits: RateLimits;
  }
}

/** Refuses with 429 and Retry-After (answered as a rate_limited problem) when a count is over `max`. */
export function refuseOverLimit(
  reply: FastifyReply,
  count: Count,
  max: number,
  message = 'Too many requests',
) {
  if (count.current <= max) return;
  reply.header('retry-after', Math.max(1, Math.ceil(count.ttl / 1000)));
  throw Object.assign(new Error(message), { statusCode: 429 });
}

/**
 * Rate limits: @fastify/rate-limit for the routes that set `config.rateLimit` (none is limited by
 * default), and `app.rateLimits` for limits that count more than requests. Every limit counts in
 * one store (`rate-limit-store.ts`): shared through Redis when REDIS_URL is set, and per replica
 * while Redis cannot answer. Clients are told apart by the hash of their address.
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance) => {
    const redis = app.redis;
    const counter = redis ? sharedCounterWithLocalFallback(redis.client, redis.unavailable) : memoryCounter();
    const prefix = 'closeloop-rate-limit:';
    const store = new RateLimitStore(counter, prefix);
    // app.db is decorated after this plugin; keys are made per request, once it is there.
    const clientKey = (request: FastifyRequest) => hashClientAddress(app.db, request.ip);
    await app.register(fastifyRateLimit, {
      global: false,
      store: rateLimitStoreClass(counter, prefix),
      keyGenerator: clientKey,
    });
    app.decorate('rateLimits', {
      store,
      clientKey,
      limit({ name, max, timeWindow, weigh = () => 1 }) {
        const limited = store.named(name);
        return async (request, reply) => {
          const weight = Math.max(1, weigh(request.body));
          const count = await limited.add(await clientKey(request), weight, timeWindow);
          refuseOverLimit(reply, count, max);
        };
      },
    } satisfies RateLimits);
  },
  { name: 'closeloop-rate-limit', dependencies: ['closeloop-redis'] },
);

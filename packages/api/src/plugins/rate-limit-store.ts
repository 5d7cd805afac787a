/// <reference path="../rate-limit-stores.d.ts" />
import type { FastifyRateLimitOptions, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import LocalStore from '@fastify/rate-limit/store/LocalStore.js';
import RedisStore from '@fastify/rate-limit/store/RedisStore.js';
import type { Redis } from 'ioredis';

type Counted = (error: Error | null, result?: { current: number; ttl: number }) => void;

interface Store {
  incr(key: string, done: Counted, timeWindow: number, max: number): void;
  read(key: string, done: Counted, timeWindow: number, max: number): void;
  child(routeOptions: unknown): Store;
}

/**
 * A rate-limit store for @fastify/rate-limit: counts in Redis, shared by every API replica, and
 * in this process's memory for any request Redis cannot answer. A Redis outage then weakens the
 * limits to per replica instead of failing the requests: widget responses are never refused
 * because the limiter's store is down, and sign-in stays limited.
 */
export function sharedStoreWithLocalFallback(
  redis: Redis,
  onFallback: (error: Error) => void,
): FastifyRateLimitStoreCtor {
  class FallbackStore implements Store {
    constructor(
      private readonly shared: Store,
      private readonly local: Store,
    ) {}

    incr(key: string, done: Counted, timeWindow: number, max: number) {
      this.shared.incr(
        key,
        (error, result) => {
          if (!error) return done(null, result);
          onFallback(error);
          this.local.incr(key, done, timeWindow, max);
        },
        timeWindow,
        max,
      );
    }

    read(key: string, done: Counted, timeWindow: number, max: number) {
      this.shared.read(
        key,
        (error, result) => (error ? this.local.read(key, done, timeWindow, max) : done(null, result)),
        timeWindow,
        max,
      );
    }

    child(routeOptions: unknown): Store {
      return new FallbackStore(this.shared.child(routeOptions), this.local.child(routeOptions));
    }
  }

  /** What the plugin constructs with its global options. */
  return class extends FallbackStore {
    constructor(options: FastifyRateLimitOptions) {
      // The plugin passes its resolved global options, these two among them.
      const { continueExceeding = false, exponentialBackoff = false } = options as {
        continueExceeding?: boolean;
        exponentialBackoff?: boolean;
      };
      super(
        new RedisStore(continueExceeding, exponentialBackoff, redis),
        new LocalStore(continueExceeding, exponentialBackoff),
      );
    }
  };
}

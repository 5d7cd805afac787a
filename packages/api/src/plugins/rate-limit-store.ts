import type { Redis } from 'ioredis';

/** A key's count in its current window, and the milliseconds until the window ends. */
export interface Count {
  current: number;
  ttl: number;
}

/** Adds to a key's count in a fixed window that starts with the key's first addition. */
export interface Counter {
  add(key: string, amount: number, timeWindow: number): Promise<Count>;
}

/**
 * Counts in this process's memory. Past `capacity` keys the least recently counted one is
 * forgotten, so a flood of addresses cannot grow the map without bound.
 */
export function memoryCounter(capacity = 10_000): Counter {
  const windows = new Map<string, { current: number; endsAt: number }>();
  return {
    async add(key, amount, timeWindow) {
      const now = Date.now();
      let entry = windows.get(key);
      if (!entry || entry.endsAt <= now) entry = { current: 0, endsAt: now + timeWindow };
      windows.delete(key);
      entry.current = Math.max(0, entry.current + amount);
      windows.set(key, entry);
      if (windows.size > capacity) windows.delete(windows.keys().next().value!);
      return { current: entry.current, ttl: entry.endsAt - now };
    },
  };
}

// One round trip, atomic: INCRBY, and the window's expiry set by whoever starts it (or repaired
// if a key ever lost it). Counts never go below zero.
const countScript = `
local current = redis.call('INCRBY', KEYS[1], ARGV[2])
if current < 0 then
  redis.call('SET', KEYS[1], 0, 'KEEPTTL')
  current = 0
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}
`;

type CountCommand = (key: string, timeWindow: number, amount: number) => Promise<[number, number]>;

/**
 * Counts in Redis, shared by every API replica, and in this process's memory for any count Redis
 * cannot answer. A Redis outage then weakens the limits to per replica instead of failing the
 * requests: widget responses are never refused because the limiter's store is down, and sign-in
 * stays limited.
 */
export function sharedCounterWithLocalFallback(redis: Redis, onFallback: (error: Error) => void): Counter {
  const commands = redis as unknown as { closeloopCount?: CountCommand };
  if (!commands.closeloopCount) redis.defineCommand('closeloopCount', { numberOfKeys: 1, lua: countScript });
  const count = commands.closeloopCount!.bind(redis);
  const local = memoryCounter();
  return {
    async add(key, amount, timeWindow) {
      try {
        const [current, ttl] = await count(key, timeWindow, amount);
        return { current, ttl };
      } catch (error) {
        onFallback(error as Error);
        return local.add(key, amount, timeWindow);
      }
    },
  };
}

type Counted = (error: Error | null, result?: Count) => void;

/**
 * The rate-limit store, in the shape @fastify/rate-limit's `store` option documents
 * (`incr(key, callback, timeWindow, max)` and `child(routeOptions)`), over one of the counters
 * above. Each route's limits count under a prefix of their own; `add` counts by more than one
 * (the widget endpoints count the items of a batch) or gives a turn back (a successful sign-in).
 */
export class RateLimitStore {
  constructor(
    private readonly counter: Counter,
    readonly prefix = 'closeloop-rate-limit:',
  ) {}

  incr(key: string, done: Counted, timeWindow: number, _max: number): void {
    this.add(key, 1, timeWindow).then(
      (count) => done(null, count),
      (error: Error) => done(error),
    );
  }

  /** Adds `amount` (negative to give turns back) to the key's count in this store's namespace. */
  add(key: string, amount: number, timeWindow: number): Promise<Count> {
    return this.counter.add(this.prefix + key, amount, timeWindow);
  }

  /** The store of one route (or one `createRateLimit` limiter), counting under its own prefix. */
  child(routeOptions: object): RateLimitStore {
    const { routeInfo } = routeOptions as { routeInfo?: { method?: string | string[]; url?: string } };
    const { method, url } = routeInfo ?? {};
    return this.named(method && url ? `${method}${url}` : 'limiter');
  }

  /** A store counting under `name` inside this one's namespace. */
  named(name: string): RateLimitStore {
    return new RateLimitStore(this.counter, `${this.prefix}${name}:`);
  }
}

/** The class @fastify/rate-limit constructs (it passes its options, which this store needs not). */
export function rateLimitStoreClass(
  counter: Counter,
  prefix: string,
): new (
  options: unknown,
) => RateLimitStore {
  return class extends RateLimitStore {
    constructor(_options: unknown) {
      super(counter, prefix);
    }
  };
}

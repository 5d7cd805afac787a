import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';

/** The Redis connection shared by the replicas (rate-limit counts), with its outage reporting. */
export interface SharedRedis {
  client: Redis;
  /** Reports that Redis could not answer: logged once per outage, until it is ready again. */
  unavailable(error: Error): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Redis when REDIS_URL is set, else null (each replica then counts on its own). */
    redis: SharedRedis | null;
  }
}

/**
 * Connects to REDIS_URL, if set, before the first request (waiting until Redis is ready or has
 * failed once, 2 s at the most), logs an outage once and the recovery once, and quits on close.
 */
export const redisPlugin = fp(
  async (app: FastifyInstance) => {
    if (!app.config.redisUrl) {
      app.decorate('redis', null);
      return;
    }
    const client = new Redis(app.config.redisUrl, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 2000,
    });
    let down = false;
    const unavailable = (error: Error) => {
      if (!down)
        app.log.warn({ err: error }, 'Redis unavailable: rate limits count per replica until it is back');
      down = true;
    };
    client.on('error', unavailable);
    client.on('ready', () => {
      if (down) app.log.info('Redis is back: rate limits are shared again');
      down = false;
    });
    app.addHook('onClose', async () => void (await client.quit().catch(() => client.disconnect())));
    await new Promise<void>((resolve) => {
      const settle = () => {
        clearTimeout(timer);
        client.off('ready', settle);
        client.off('error', settle);
        resolve();
      };
      const timer = setTimeout(settle, 2000);
      client.once('ready', settle);
      client.once('error', settle);
    });
    app.decorate('redis', { client, unavailable });
  },
  { name: 'closeloop-redis' },
);

import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ConfigError, readUrlWithoutPrimary } from '../config.ts';
import { type Database, type Db, openDatabase } from '../db/client.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The database of reads that tolerate replication lag: the read replica (DATABASE_READ_URL),
     * or `database` itself when there is none. Read only: a write sent to the replica fails.
     */
    readDatabase: Database;
    /** `readDatabase.db`. */
    readDb: Db;
    /**
     * The database a lag-tolerant read of this request goes to: the replica, unless the caller
     * changed something in the last few seconds (it then reads its own change from the primary).
     */
    readDatabaseFor(request: FastifyRequest): Database;
  }
}

/**
 * How long after a change its caller's reads stay on the primary, in seconds: longer than the lag
 * of a healthy streaming replica (milliseconds to a second), so the inbox, which reloads its queue
 * and counts right after every action, never shows an action undone.
 */
export const primaryAfterChangeSeconds = 5;
/** The cookie that keeps a browser's reads on the primary after a change, whichever API process it reaches. */
export const changedCookie = 'closeloop_changed';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Requests answered from the replica: an unreachable replica does not mean an unreachable primary. */
const replicaRequests = new WeakSet<FastifyRequest>();

/** Whether a request read from the replica (its "unreachable" errors are the replica's). */
export function readFromReplica(request: FastifyRequest): boolean {
  return replicaRequests.has(request);
}

/** Whether a database answers within `ms` milliseconds. */
export function answersWithin(database: Database, ms: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const settle = (answered: boolean) => {
      clearTimeout(timer);
      resolve(answered);
    };
    database.ping().then(
      () => settle(true),
      () => settle(false),
    );
  });
}

/**
 * Opens the read replica named by DATABASE_READ_URL (read only, a smaller pool) and closes it with
 * the app; without it, reads go to the primary as before. Needs a Postgres primary.
 */
export const readDatabasePlugin = fp(
  async (app: FastifyInstance) => {
    const url = app.config.databaseReadUrl;
    if (!url) {
      app.decorate('readDatabase', app.database);
      app.decorate('readDb', app.db);
      app.decorate('readDatabaseFor', () => app.database);
      return;
    }
    if (app.database.driver !== 'postgres') {
      throw new ConfigError(`Invalid configuration:\n  ${readUrlWithoutPrimary}`);
    }
    const replica = await openDatabase({ databaseUrl: url, readOnly: true });
    app.addHook('onClose', () => replica.close());
    // A replica that is down at start does not stop the API: ingestion and the inbox work on the
    // primary, and /readyz says the replica is unreachable until it answers.
    if (!(await answersWithin(replica, 2000))) {
      app.log.warn(
        'The read replica (DATABASE_READ_URL) does not answer; reads sent to it fail until it does',
      );
    }

    // Callers (session or secret key) that changed something lately, and until when (this process);
    // browsers also carry a cookie, for the other processes.
    const changedUntil = new Map<string, number>();
    const callerOf = (request: FastifyRequest) =>
      request.auth ? (request.auth.sessionId ?? request.auth.keyId ?? request.auth.userId) : null;

    app.addHook('onSend', async (request, reply) => {
      const caller = callerOf(request);
      if (!caller || safeMethods.has(request.method) || reply.statusCode >= 400) return;
      const at = Date.now();
      changedUntil.set(caller, at + primaryAfterChangeSeconds * 1000);
      if (changedUntil.size > 10_000) {
        for (const [known, until] of changedUntil) if (until <= at) changedUntil.delete(known);
      }
      if (request.auth?.via === 'session') {
        reply.setCookie(changedCookie, '1', {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: request.protocol === 'https',
          maxAge: primaryAfterChangeSeconds,
        });
      }
    });

    app.decorate('readDatabase', replica);
    app.decorate('readDb', replica.db);
    app.decorate('readDatabaseFor', (request: FastifyRequest) => {
      const caller = callerOf(request);
      const changedLately =
        request.cookies?.[changedCookie] !== undefined ||
        (caller !== null && (changedUntil.get(caller) ?? 0) > Date.now());
      if (changedLately) return app.database;
      replicaRequests.add(request);
      return replica;
    });
  },
  { name: 'closeloop-read-database', dependencies: ['closeloop-database', 'closeloop-auth'] },
);

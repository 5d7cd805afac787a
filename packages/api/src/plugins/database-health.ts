import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { sendDatabaseUnavailable } from './problems.ts';

/** How long a request may go unanswered before the database is checked, in milliseconds. */
const checkAfterMs = 1000;
/**
 * How long a check of the database may take before it counts as unreachable. The check has a
 * connection of its own (db/ping.ts), so it does not wait for the pool a busy app keeps full.
 */
const probeTimeoutMs = 600;

export interface DatabaseHealth {
  /** Whether the database answered its last check (false until it answers again). */
  readonly reachable: boolean;
  /** Checks the database, answering within `probeTimeoutMs`; checks running at once are shared. */
  check(): Promise<boolean>;
  /** Marks the database unreachable (an error said so); it is checked again every second. */
  markUnreachable(): void;
  /**
   * onRequest hook of the routes that need the database: while it is unreachable, 503 at once;
   * a request still unanswered after a moment has the database checked, and gets 503 if it does
   * not answer, rather than hanging.
   */
  guard: onRequestAsyncHookHandler;
}

declare module 'fastify' {
  interface FastifyInstance {
    databaseHealth: DatabaseHealth;
  }
}

/** Answers 503 unavailable with Retry-After, unless the answer has begun. */
export function answerUnavailable(request: FastifyRequest, reply: FastifyReply) {
  if (reply.sent || reply.raw.headersSent) return;
  return sendDatabaseUnavailable(request, reply);
}

/**
 * A request answered 503 while its handler still waits on the database: when the handler ends
 * (its query failed, or came back after all), Fastify reports its answer or error as a warning
 * ("Reply was already sent") or an error. The client has its answer and will send again, so
 * those reports go to debug; the reply's other log lines are kept.
 */
function quietLateAnswer(reply: FastifyReply) {
  const log = reply.log;
  reply.log = Object.assign(Object.create(log) as typeof log, {
    warn: log.debug.bind(log),
    error: log.debug.bind(log),
  });
}

/**
 * The database's reachability, so that an outage is answered quickly with 503 and Retry-After
 * (the widget keeps the answers and sends them again) instead of hanging requests, and service
 * resumes by itself once the database is back.
 */
export const databaseHealthPlugin = fp(
  async (app: FastifyInstance) => {
    let reachable = true;
    let running: Promise<boolean> | null = null;
    let recheck: NodeJS.Timeout | null = null;

    const check = () => {
      running ??= new Promise<boolean>((resolve) => {
        // setImmediate: an answer already on the socket is read first, even when a busy event
        // loop runs this timer late.
        const timer = setTimeout(() => setImmediate(() => resolve(false)), probeTimeoutMs);
        app.database.ping().then(
          () => {
            clearTimeout(timer);
            resolve(true);
          },
          () => {
            clearTimeout(timer);
            resolve(false);
          },
        );
      }).then((answered) => {
        running = null;
        if (answered) {
          if (!reachable) app.log.info('The database answers again');
          reachable = true;
        } else markUnreachable();
        return answered;
      });
      return running;
    };

    const markUnreachable = () => {
      if (reachable) app.log.warn('The database cannot be reached: answering 503 until it is back');
      reachable = false;
      if (recheck) return;
      recheck = setInterval(() => {
        if (reachable) {
          clearInterval(recheck!);
          recheck = null;
        } else void check();
      }, 1000);
      recheck.unref();
    };
    app.addHook('onClose', async () => {
      if (recheck) clearInterval(recheck);
    });

    const pending = new WeakMap<FastifyRequest, NodeJS.Timeout>();
    app.addHook('onResponse', async (request) => {
      clearTimeout(pending.get(request));
    });

    const guard: onRequestAsyncHookHandler = async (request, reply) => {
      if (!reachable) {
        await answerUnavailable(request, reply);
        return reply;
      }
      const timer = setTimeout(async () => {
        if (reply.sent || reply.raw.headersSent) return;
        if (await check()) return;
        if (reply.sent || reply.raw.headersSent) return;
        quietLateAnswer(reply);
        answerUnavailable(request, reply);
      }, checkAfterMs);
      timer.unref();
      pending.set(request, timer);
    };

    app.decorate('databaseHealth', {
      get reachable() {
        return reachable;
      },
      check,
      markUnreachable,
      guard,
    } satisfies DatabaseHealth);
  },
  { name: 'closeloop-database-health', dependencies: ['closeloop-database'] },
);

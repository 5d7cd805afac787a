import postgres from 'postgres';

/** Checks that a Postgres server answers, over a connection of its own. */
export interface Pinger {
  /** Resolves when `select 1` has been answered; rejects when the server cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `select 1` over one connection outside the app's pool, opened on first use, so a pool busy with
 * slow statements (or with more requests than connections) does not make a healthy database look
 * unreachable. The caller bounds the wait (database-health.ts); a ping still unanswered when the
 * next one starts, or one that failed, drops the connection, so the next ping starts on a fresh
 * socket instead of queueing behind a hung one.
 */
export function postgresPinger(url: string): Pinger {
  let connection: postgres.Sql | null = null;
  let unanswered: Promise<unknown> | null = null;
  const drop = () => {
    const dropped = connection;
    connection = null;
    unanswered = null;
    void dropped?.end({ timeout: 0 }).catch(() => {});
  };
  return {
    ping: async () => {
      if (unanswered) drop();
      connection ??= postgres(url, {
        max: 1,
        connect_timeout: 2,
        idle_timeout: 60,
        onnotice: () => {},
        connection: { application_name: 'closeloop-ping' },
      });
      const current = connection;
      const query = current`select 1`.execute();
      unanswered = query;
      try {
        await query;
      } catch (error) {
        if (connection === current) drop();
        throw error;
      } finally {
        if (unanswered === query) unanswered = null;
      }
    },
    close: async () => {
      const closing = connection;
      connection = null;
      await closing?.end({ timeout: 1 });
    },
  };
}

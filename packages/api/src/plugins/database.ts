import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Database, Db } from '../db/client.ts';

declare module 'fastify' {
  interface FastifyInstance {
    database: Database;
    db: Db;
  }
}

export interface DatabasePluginOptions {
  database: Database;
  /** Close the database when the app closes (false when a test shares one database across apps). */
  closeOnShutdown: boolean;
}

/** Decorates the app with the database (`app.db` for queries) and closes it on shutdown. */
export const databasePlugin = fp(
  async (app: FastifyInstance, options: DatabasePluginOptions) => {
    app.decorate('database', options.database);
    app.decorate('db', options.database.db);
    if (options.closeOnShutdown) app.addHook('onClose', () => options.database.close());
  },
  { name: 'closeloop-database' },
);

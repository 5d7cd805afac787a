import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type Database, type Db, openDatabase } from '../db/client.ts';

declare module 'fastify' {
  interface FastifyInstance {
    database: Database;
    db: Db;
  }
}

export interface DatabasePluginOptions {
  /**
   * An open, migrated database, which the app uses and does not close (tests share one per file).
   * Without it the plugin opens the database the configuration names, migrates it and closes it
   * when the app closes.
   */
  database?: Database | undefined;
}

/** Decorates the app with the database (`app.db` for queries). */
export const databasePlugin = fp(
  async (app: FastifyInstance, options: DatabasePluginOptions) => {
    let database = options.database;
    if (!database) {
      const opened = await openDatabase({ databaseUrl: app.config.databaseUrl, dataDir: app.config.dataDir });
      try {
        await opened.migrate();
      } catch (error) {
        await opened.close();
        throw error;
      }
      app.addHook('onClose', () => opened.close());
      database = opened;
    }
    app.decorate('database', database);
    app.decorate('db', database.db);
  },
  { name: 'closeloop-database' },
);

import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { startBanner } from './banner.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/client.ts';
import type { CreatedProject } from './services/projects.ts';
import { createDemoProjectIfEmpty, startOverview } from './services/start-overview.ts';

export interface StartedServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/**
 * Opens and migrates the database, creates the demo project on a first start of an empty embedded
 * database, and listens. Shuts down gracefully on SIGINT/SIGTERM: stops accepting, finishes the
 * requests in flight (so accepted responses are committed), then closes the database.
 */
export async function startServer(config: Readonly<Config>, print: (line: string) => void = console.log) {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let app: FastifyInstance | undefined;
  let created: CreatedProject | undefined;
  try {
    await database.migrate();
    if (database.driver === 'pglite') created = await createDemoProjectIfEmpty(database.db);
    app = await buildApp({
      config,
      database,
      logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    });
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app?.close();
    await database.close();
    throw error;
  }

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = config.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  // The banner is gathered first and printed at once, so log lines cannot land in its middle.
  const banner = startBanner({
    ...(await startOverview(database.db)),
    url,
    database: database.driver === 'pglite' ? `embedded (${config.dataDir})` : 'PostgreSQL',
    readReplica: config.databaseReadUrl ? replicaAddress(config.databaseReadUrl) : undefined,
    createdSecretKey: created?.secretKey,
  });
  for (const line of banner) print(line);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      try {
        await app.close();
      } finally {
        await database.close();
      }
    })();
    return closing;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    app.log.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { app, url, close } satisfies StartedServer;
}

/** Host and database of a postgres:// URL, without its credentials. */
function replicaAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.host}${parsed.pathname}`;
}

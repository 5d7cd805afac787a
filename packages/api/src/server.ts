import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, isNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/client.ts';
import { projects, surveys } from './db/schema/index.ts';
import { type CreatedProject, createDemoProject, findDemoProject } from './services/projects.ts';
import { inboxAccessLines } from './services/staff.ts';

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
  let created: (CreatedProject & { surveyIds: string[] }) | undefined;
  try {
    await database.migrate();
    if (database.driver === 'pglite') {
      const [{ total } = { total: 0 }] = await database.db.select({ total: count() }).from(projects);
      if (total === 0) created = await createDemoProject(database.db);
    }
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
  const lines: string[] = [];
  const demo = await findDemoProject(database.db);
  lines.push('');
  lines.push(`  Closeloop is running at ${url}`);
  lines.push(`  Database: ${database.driver === 'pglite' ? `embedded (${config.dataDir})` : 'PostgreSQL'}`);
  if (demo) {
    lines.push(`  Demo page:     ${url}/demo`);
    lines.push(`  Public key:    ${demo.publicKey}`);
  }
  if (created) {
    lines.push(`  Secret key:    ${created.secretKey}   (shown once — keep it; it is stored hashed)`);
  } else if (demo) {
    lines.push('  Secret key:    printed on the first start; make another with `pnpm closeloop create-key`');
  }
  lines.push(`  API reference: ${url}/docs`);
  lines.push(`  Inbox:         ${url}/inbox/`);
  lines.push(...(await inboxAccessLines(database.db, url)));
  if (demo) {
    const demoSurveys = await database.db
      .select({ id: surveys.id, kind: surveys.kind })
      .from(surveys)
      .where(and(eq(surveys.projectId, demo.id), isNull(surveys.deletedAt)))
      .orderBy(asc(surveys.createdAt));
    const order = ['nps', 'csat', 'ces'];
    demoSurveys.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
    for (const survey of demoSurveys) lines.push(`  Survey (${survey.kind}):`.padEnd(17) + survey.id);
    const nps = demoSurveys.find((survey) => survey.kind === 'nps');
    if (nps) {
      const body = JSON.stringify({
        key: demo.publicKey,
        responses: [
          {
            id: randomUUID(),
            surveyId: nps.id,
            score: 9,
            comment: 'Sent with curl',
            context: { url: 'https://example.com/' },
            submittedAt: new Date().toISOString(),
          },
        ],
      });
      lines.push('');
      lines.push('  Try it — store a response, then list it:');
      lines.push(`    curl -i ${url}/v1/responses -H 'content-type: text/plain' -d '${body}'`);
      lines.push(`    curl ${url}/v1/responses -H 'authorization: Bearer ${created?.secretKey ?? 'sk_…'}'`);
    }
  }
  lines.push('');
  for (const line of lines) print(line);

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

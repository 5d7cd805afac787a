import { parseArgs } from 'node:util';
import { eq, or } from 'drizzle-orm';
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './db/client.ts';
import { DataDirLockedError } from './db/lock.ts';
import { projects } from './db/schema/index.ts';
import { startServer } from './server.ts';
import { createProject, createSecretKey, InvalidOriginError } from './services/projects.ts';

const usage = `Usage: closeloop <command> [options]

Commands:
  start                                   Start the server (PORT, HOST, DATABASE_URL, CLOSELOOP_DATA_DIR)
  migrate                                 Apply database migrations and exit
  create-project --name N [--origin O]…   Create a project; prints its public key and, once, a secret key
  create-key --project P [--name N]       Create another secret key for a project (id or public key)
  help                                    Show this help
`;

class UsageError extends Error {}

async function withDatabase<T>(run: (database: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>) {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await database.migrate();
    return await run(database);
  } finally {
    await database.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': {
      await startServer(loadConfig());
      return;
    }
    case 'migrate': {
      await withDatabase(async (database) => console.log(`Migrations applied (${database.driver}).`));
      return;
    }
    case 'create-project': {
      const { values } = parseArgs({
        args: rest,
        options: { name: { type: 'string' }, origin: { type: 'string', multiple: true } },
      });
      if (!values.name?.trim()) throw new UsageError('create-project needs --name');
      const created = await withDatabase((database) =>
        createProject(database.db, { name: values.name!.trim(), allowedOrigins: values.origin ?? [] }),
      );
      console.log(`Project:     ${created.project.name} (${created.project.id})`);
      console.log(
        `Origins:     ${created.project.allowedOrigins.join(', ') || 'any (add --origin to restrict)'}`,
      );
      console.log(`Public key:  ${created.publicKey}`);
      console.log(`Secret key:  ${created.secretKey}   (shown once — it is stored hashed)`);
      return;
    }
    case 'create-key': {
      const { values } = parseArgs({
        args: rest,
        options: { project: { type: 'string' }, name: { type: 'string' } },
      });
      const reference = values.project?.trim();
      if (!reference) throw new UsageError('create-key needs --project <project id or public key>');
      const key = await withDatabase(async (database) => {
        const isUuid = /^[0-9a-f-]{36}$/i.test(reference);
        const [project] = await database.db
          .select({ id: projects.id })
          .from(projects)
          .where(
            isUuid
              ? or(eq(projects.id, reference), eq(projects.publicKey, reference))
              : eq(projects.publicKey, reference),
          )
          .limit(1);
        if (!project) throw new UsageError(`No project ${reference}`);
        return createSecretKey(database.db, project.id, values.name?.trim() || 'CLI');
      });
      console.log(`Secret key:  ${key.key}   (shown once — it is stored hashed)`);
      return;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(usage);
      return;
    default:
      throw new UsageError(`Unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${usage}`);
    process.exit(2);
  }
  if (
    error instanceof ConfigError ||
    error instanceof DataDirLockedError ||
    error instanceof InvalidOriginError ||
    (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
  ) {
    console.error((error as Error).message);
    process.exit(1);
  }
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`${(error as Error).message}: another program uses this port; set PORT to another one.`);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});

import { parseArgs } from 'node:util';
import { secretKeyCreateSchema, staffUserCreateSchema } from '@closeloop/shared';
import { asc, desc, eq } from 'drizzle-orm';
import { ConfigError, loadConfig } from './config.ts';
import { type Database, openDatabase } from './db/client.ts';
import { DataDirLockedError } from './db/lock.ts';
import { projects } from './db/schema/index.ts';
import { startServer } from './server.ts';
import {
  createDemoProject,
  createProject,
  createSecretKey,
  InvalidOriginError,
} from './services/projects.ts';
import { seedDemoData } from './services/seed.ts';
import { createStaffUser } from './services/staff.ts';

const usage = `Usage: closeloop <command> [options]

Commands:
  start                                   Start the server (PORT, HOST, DATABASE_URL, CLOSELOOP_DATA_DIR)
  migrate                                 Apply database migrations and exit
  create-project --name N [--origin O]…   Create a project; prints its public key and, once, a secret key
  create-key --project P [--name N]       Create another secret key for a project (id or public key)
  seed [--responses N] [--months M] [--project P]
                                          Add realistic demo responses (default 50000 over 12 months)
                                          to a project (default: the demo project)
  create-user --email E --password P --role owner|admin|agent|viewer [--name N] [--project P]
                                          Add an inbox staff user (default project: the demo or only one)
  help                                    Show this help
`;

class UsageError extends Error {}

/** A project or key name under the rules the API applies to names (trimmed, 1–120 characters). */
function validName(command: string, value: string): string {
  const parsed = secretKeyCreateSchema.shape.name.safeParse(value);
  if (!parsed.success) throw new UsageError(`${command}: --name: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

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

/** A project by id or public key; without a reference, the demo project or the only project. */
async function findProject(database: Database, reference: string | undefined) {
  const wanted = reference?.trim();
  if (wanted) {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(wanted);
    const [project] = await database.db
      .select({ id: projects.id })
      .from(projects)
      .where(isUuid ? eq(projects.id, wanted) : eq(projects.publicKey, wanted))
      .limit(1);
    if (!project) throw new UsageError(`No project ${wanted}`);
    return project;
  }
  const candidates = await database.db
    .select({ id: projects.id, isDemo: projects.isDemo })
    .from(projects)
    .orderBy(desc(projects.isDemo), asc(projects.createdAt))
    .limit(2);
  const [first, second] = candidates;
  if (!first) throw new UsageError('There is no project yet; start Closeloop once or run create-project');
  if (!first.isDemo && second) throw new UsageError('There are several projects; choose one with --project');
  return first;
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
      const name = validName('create-project', values.name);
      const created = await withDatabase((database) =>
        createProject(database.db, { name, allowedOrigins: values.origin ?? [] }),
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
      const name = validName('create-key', values.name?.trim() || 'CLI');
      const key = await withDatabase(async (database) => {
        const project = await findProject(database, reference);
        return createSecretKey(database.db, project.id, name);
      });
      console.log(`Secret key:  ${key.key}   (shown once — it is stored hashed)`);
      return;
    }
    case 'create-user': {
      const { values } = parseArgs({
        args: rest,
        options: {
          email: { type: 'string' },
          password: { type: 'string' },
          role: { type: 'string' },
          name: { type: 'string' },
          project: { type: 'string' },
        },
      });
      const parsed = staffUserCreateSchema.safeParse({
        email: values.email?.trim(),
        password: values.password,
        role: values.role,
        name: values.name?.trim() || values.email?.split('@')[0],
      });
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`);
        throw new UsageError(`create-user: ${problems.join('; ')}`);
      }
      const user = await withDatabase(async (database) => {
        const project = await findProject(database, values.project);
        return createStaffUser(database.db, project.id, parsed.data);
      });
      console.log(`Staff user:  ${user.email} (${user.role}) in project ${user.projectId}`);
      console.log('Sign in at   /inbox/ on the running server.');
      return;
    }
    case 'seed': {
      const { values } = parseArgs({
        args: rest,
        options: {
          responses: { type: 'string', default: '50000' },
          months: { type: 'string', default: '12' },
          project: { type: 'string' },
          seed: { type: 'string', default: '42' },
        },
      });
      const count = Number(values.responses);
      const months = Number(values.months);
      if (!Number.isInteger(count) || count < 1 || count > 5_000_000) {
        throw new UsageError('--responses must be a whole number from 1 to 5000000');
      }
      if (!Number.isInteger(months) || months < 1 || months > 120) {
        throw new UsageError('--months must be a whole number from 1 to 120');
      }
      const started = Date.now();
      const result = await withDatabase(async (database) => {
        const [anyProject] = await database.db.select({ id: projects.id }).from(projects).limit(1);
        if (!anyProject && !values.project) {
          const demo = await createDemoProject(database.db);
          console.log(`Created the demo project. Public key: ${demo.publicKey}`);
          console.log(`Secret key: ${demo.secretKey}   (shown once — it is stored hashed)`);
        }
        const project = await findProject(database, values.project);
        return seedDemoData(database.db, {
          projectId: project.id,
          responses: count,
          months,
          seed: Number(values.seed) || 42,
        });
      });
      console.log(
        `Seeded ${result.responses} responses, ${result.respondents} respondents and ${result.events} widget events ` +
          `in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
      );
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

/** The first error code in an error's cause chain (errno names like ECONNREFUSED, SQLSTATEs). */
function codeOf(error: unknown): string | undefined {
  for (let cause = error; cause && typeof cause === 'object'; cause = (cause as { cause?: unknown }).cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const nested = (cause as { errors?: unknown[] }).errors?.[0];
    if (nested) return codeOf(nested);
  }
  return undefined;
}

/** A reason the database could not be used at all: no server, refused login, no such database. */
function databaseProblem(error: unknown): string | undefined {
  const code = codeOf(error) ?? '';
  const network = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH'];
  if (!network.includes(code) && !/^(08|28|3D)[0-9A-Z]{3}$/.test(code)) return undefined;
  let where = 'the database';
  try {
    const url = new URL(process.env.DATABASE_URL ?? '');
    where = `the database at ${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    // no usable URL to name
  }
  let cause: unknown = error;
  while ((cause as { cause?: unknown })?.cause) cause = (cause as { cause: unknown }).cause;
  const reason = (cause as Error)?.message || code;
  return `Cannot use ${where} (DATABASE_URL): ${reason}`;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const code = codeOf(error);
  if (error instanceof UsageError || code?.startsWith('ERR_PARSE_ARGS_')) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  if (
    error instanceof ConfigError ||
    error instanceof DataDirLockedError ||
    error instanceof InvalidOriginError ||
    code?.toLowerCase() === 'email_taken'
  ) {
    console.error((error as Error).message);
    process.exit(1);
  }
  const database = databaseProblem(error);
  if (database) {
    console.error(database);
    process.exit(1);
  }
  // A failed query: the database's reason, not the whole statement (which can be kilobytes).
  const cause = (error as { cause?: unknown }).cause;
  if (typeof (error as { query?: unknown }).query === 'string' && cause instanceof Error) {
    console.error(`The database refused the command: ${cause.message}${code ? ` (${code})` : ''}`);
    process.exit(1);
  }
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`${(error as Error).message}: another program uses this port; set PORT to another one.`);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});

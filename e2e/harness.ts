/**
 * Starts the real Closeloop API on 127.0.0.1 for browser tests: on the real Postgres when the run
 * has one (see packages/api/test/global-setup.ts), otherwise on an in-memory PGlite database.
 */
import type { AddressInfo } from 'node:net';
import {
  buildApp,
  type Config,
  createProject,
  createStaffUser,
  type Database,
  openDatabase,
} from '@closeloop/api';
import { type StaffRole, type SurveyCreate, surveyCreateSchema } from '@closeloop/shared';
import { inject } from 'vitest';
import type {} from '../packages/api/test/global-setup.ts';

type FastifyInstance = Awaited<ReturnType<typeof buildApp>>;

export interface StartedServer {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  projectId: string;
  publicKey: string;
  secretKey: string;
  surveys: { nps: string; csat: string; ces: string };
  /** Staff users made for `StartOptions.staff`, in that order (all with `staffPassword`). */
  staff: { id: string; email: string; role: StaffRole; name: string }[];
  database: Database;
  /** Raw SQL against the server's database, e.g. `query('select * from responses where project_id = $1', [projectId])`. */
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Stops listening (the database stays): the API is "down". */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  /** Stops for good and closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  allowedOrigins?: string[];
  /** Replace the default surveys: NPS shown at once, CSAT on track('checkout-completed'), CES on track('support-chat-closed'), the demo project's events. */
  surveys?: { nps?: Partial<SurveyCreate>; csat?: Partial<SurveyCreate>; ces?: Partial<SurveyCreate> };
  cooldownDays?: number;
  /** Staff users to create (signed in with `staffPassword`), e.g. ['agent', 'viewer']. */
  staff?: StaffRole[];
  /** Configuration overrides for the app, e.g. `{ smtpUrl }`. */
  config?: Partial<Config>;
  /** The project's identity verification (default `off`: unsigned identities are merged). */
  identityVerification?: 'off' | 'required';
}

/** Password of every staff user the harness creates. */
export const staffPassword = 'browser-test-password';

const defaults: Record<'nps' | 'csat' | 'ces', SurveyCreate> = {
  nps: {
    name: 'NPS',
    kind: 'nps',
    texts: {
      en: {
        question: 'How likely are you to recommend us to a friend?',
        lowLabel: 'Not likely',
        highLabel: 'Very likely',
        followUp: {
          negative: 'What went wrong?',
          neutral: 'What would make it a 10?',
          positive: 'What do you love?',
        },
      },
    },
    targeting: { delaySeconds: 0 },
    recontact: { afterDays: 0 },
  },
  csat: {
    name: 'CSAT',
    kind: 'csat',
    texts: { en: { question: 'How satisfied are you?' } },
    targeting: { delaySeconds: 0, onEvent: 'checkout-completed' },
    recontact: { afterDays: 0 },
  },
  ces: {
    name: 'CES',
    kind: 'ces',
    texts: { en: { question: 'It was easy to do what I wanted.' } },
    targeting: { delaySeconds: 0, onEvent: 'support-chat-closed' },
    recontact: { afterDays: 0 },
  },
};

export async function startServer(options: StartOptions = {}): Promise<StartedServer> {
  const postgresUrl = inject('postgresUrl');
  const database = postgresUrl ? await openDatabase({ databaseUrl: postgresUrl }) : await openDatabase({});
  if (!postgresUrl) await database.migrate();

  const created = await createProject(database.db, {
    name: 'Browser test',
    allowedOrigins: options.allowedOrigins ?? [],
    appearance: { cooldownDays: options.cooldownDays ?? 0 },
    // Browser tests of other features send unsigned identities; identity tests ask for `required`.
    identityVerification: options.identityVerification ?? 'off',
  });
  const surveyIds = {} as StartedServer['surveys'];
  for (const kind of ['nps', 'csat', 'ces'] as const) {
    const survey = surveyCreateSchema.parse({ ...defaults[kind], ...options.surveys?.[kind] });
    const [row] = await database.query<{ id: string }>(
      `insert into surveys (project_id, name, kind, status, default_locale, texts, targeting, recontact)
       values ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb) returning id`,
      [
        created.project.id,
        survey.name,
        survey.kind,
        survey.status,
        survey.defaultLocale,
        JSON.stringify(survey.texts),
        JSON.stringify(survey.targeting),
        JSON.stringify(survey.recontact),
      ],
    );
    surveyIds[kind] = row!.id;
  }

  const staff: StartedServer['staff'] = [];
  for (const [index, role] of (options.staff ?? []).entries()) {
    const name = `${role[0]!.toUpperCase()}${role.slice(1)} ${index + 1}`;
    const email = `${role}-${index + 1}-${created.project.id.slice(0, 8)}@staff.example`;
    const user = await createStaffUser(database.db, created.project.id, {
      email,
      name,
      role,
      password: staffPassword,
    });
    staff.push({ id: user.id, email, role, name });
  }

  let app: FastifyInstance | undefined;
  let port = 0;
  const listen = async () => {
    app = await buildApp({
      database,
      // Daily and weekly staff emails would land in the tests' mailboxes on a real clock.
      config: {
        ingestRateLimit: 100_000,
        ingestSurveyBudget: 0,
        scheduledEmailsIntervalSeconds: 0,
        ...options.config,
      },
    });
    await app.listen({ host: '127.0.0.1', port });
    port = (app.server.address() as AddressInfo).port;
  };
  await listen();

  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    projectId: created.project.id,
    publicKey: created.publicKey,
    secretKey: created.secretKey,
    surveys: surveyIds,
    staff,
    database,
    query: (text, params) => database.query(text, params),
    stop: async () => {
      await app?.close();
      app = undefined;
    },
    restart: async () => {
      if (!app) await listen();
    },
    close: async () => {
      await app?.close();
      app = undefined;
      await database.close();
    },
  };
}

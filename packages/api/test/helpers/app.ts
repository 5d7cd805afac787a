import { type ResponseInput, type SurveyCreate, surveyCreateSchema } from '@closeloop/shared';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, inject } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { surveys } from '../../src/db/schema/index.ts';
import { ingestResponses } from '../../src/services/ingest.ts';
import { createProject } from '../../src/services/projects.ts';

export interface Target {
  name: 'pglite' | 'postgres';
  open(): Promise<Database>;
}

/**
 * The databases every integration test runs on: PGlite always, and the real Postgres when
 * TEST_DATABASE_URL or DATABASE_URL is set (see global-setup.ts).
 */
export function databaseTargets(): Target[] {
  const targets: Target[] = [
    {
      name: 'pglite',
      open: async () => {
        const database = await openDatabase({});
        await database.migrate();
        return database;
      },
    },
  ];
  const postgresUrl = inject('postgresUrl');
  if (postgresUrl) targets.push({ name: 'postgres', open: () => openDatabase({ databaseUrl: postgresUrl }) });
  return targets;
}

export interface TestProject {
  projectId: string;
  publicKey: string;
  secretKey: string;
  surveyIds: { nps: string; csat: string; ces: string };
}

export interface NewProjectOptions {
  allowedOrigins?: string[];
  identityVerification?: 'off' | 'required';
}

export interface TestContext {
  app: FastifyInstance;
  database: Database;
  /**
   * A new project with one NPS, one CSAT and one CES survey: each test isolates itself by making
   * its own. Identity verification is `off` unless asked (tests of other features send unsigned
   * identities); tests of verified identities pass `required`, the default of real projects.
   */
  newProject(options?: NewProjectOptions): Promise<TestProject>;
  /** `app.inject` with a Bearer key. */
  asKey(key: string, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** POST /v1/responses as the widget sends it (JSON as text/plain) with the project's public key. */
  sendResponses(project: TestProject, responses: unknown[]): Promise<LightMyRequestResponse>;
  /** POST /v1/events with the project's public key. */
  sendEvents(project: TestProject, events: unknown[]): Promise<LightMyRequestResponse>;
}

const surveyOf = (kind: 'nps' | 'csat' | 'ces'): SurveyCreate => ({
  name: `${kind} survey`,
  kind,
  texts: { en: { question: `How about ${kind}?` } },
});

/** One database and one app per test file and target, closed after the file. */
export function useTestApp(target: Target): TestContext {
  const context = {} as TestContext;
  beforeAll(async () => {
    const database = await target.open();
    // No counted budget: tests of other features send many responses from one address; budget
    // tests build their own app.
    const app = await buildApp({ database, config: { ingestRateLimit: 100_000, ingestSurveyBudget: 0 } });
    await app.ready();
    Object.assign(context, {
      app,
      database,
      newProject: async (options: NewProjectOptions = {}) => {
        const created = await createProject(database.db, {
          name: 'Test project',
          identityVerification: 'off',
          ...options,
        });
        const rows = await database.db
          .insert(surveys)
          .values(
            (['nps', 'csat', 'ces'] as const).map((kind) => ({
              ...surveyCreateSchema.parse(surveyOf(kind)),
              projectId: created.project.id,
            })),
          )
          .returning({ id: surveys.id, kind: surveys.kind });
        const byKind = Object.fromEntries(rows.map((row) => [row.kind, row.id])) as TestProject['surveyIds'];
        return {
          projectId: created.project.id,
          publicKey: created.publicKey,
          secretKey: created.secretKey,
          surveyIds: byKind,
        };
      },
      asKey: (key: string, options: InjectOptions) =>
        app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${key}` } }),
      sendResponses: (project: TestProject, responses: unknown[]) =>
        app.inject({
          method: 'POST',
          url: '/v1/responses',
          headers: { 'content-type': 'text/plain' },
          payload: JSON.stringify({ key: project.publicKey, responses }),
        }),
      sendEvents: (project: TestProject, events: unknown[]) =>
        app.inject({ method: 'POST', url: '/v1/events', payload: { key: project.publicKey, events } }),
    });
  }, 60_000);
  afterAll(async () => {
    await context.app?.close();
    await context.database?.close();
  });
  return context;
}

/** A valid response item for a survey. */
export function aResponse(surveyId: string, overrides: Partial<ResponseInput> = {}): ResponseInput {
  return {
    id: crypto.randomUUID(),
    surveyId,
    score: 9,
    context: { url: 'https://shop.example/checkout', locale: 'en' },
    submittedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** A valid event item for a survey: shown now unless told otherwise. */
export function anEvent(surveyId: string, overrides: { type?: string; at?: string } = {}) {
  return { id: crypto.randomUUID(), surveyId, type: 'shown', at: new Date().toISOString(), ...overrides };
}

/**
 * Stores responses of any age, each as if it had arrived when it was given (the widget endpoint
 * only takes answers up to 7 days old): for tests about history, such as metrics.
 */
export async function storeHistory(ctx: TestContext, project: TestProject, items: ResponseInput[]) {
  for (const item of items) {
    await ingestResponses(ctx.database.db, project.projectId, [item], {
      receivedAt: new Date(item.submittedAt),
    });
  }
}

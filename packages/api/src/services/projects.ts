import {
  type Appearance,
  appearanceSchema,
  type ProjectSettings,
  type projectUpdateSchema,
  type SurveyCreate,
  surveyCreateSchema,
} from '@closeloop/shared';
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../db/client.ts';
import { projects, secretKeys, surveys } from '../db/schema/index.ts';
import { ValidationError } from '../errors.ts';
import { insertDefaultRules } from './follow-up-rules.ts';
import { generateKey, hashKey, keyPrefix } from './keys.ts';
import { normalizeOrigin } from './origins.ts';

export type ProjectRow = typeof projects.$inferSelect;

export interface NewProject {
  name: string;
  allowedOrigins?: string[];
  appearance?: Partial<Appearance>;
  isDemo?: boolean;
  /** Default `required` (only signed identities change respondents); the demo project is `off`. */
  identityVerification?: 'off' | 'required';
}

export interface CreatedProject {
  project: ProjectRow;
  publicKey: string;
  /** Shown once; only its hash is stored. */
  secretKey: string;
}

export class InvalidOriginError extends Error {
  override name = 'InvalidOriginError';
}

/** Normalises a list of allowed origins, throwing on the first that is not an origin. */
export function normalizeOrigins(origins: readonly string[]): string[] {
  const normalized = origins.map((origin) => {
    const value = normalizeOrigin(origin);
    if (!value) {
      throw new InvalidOriginError(`"${origin}" is not an origin; use the form https://shop.example(:port)`);
    }
    return value;
  });
  return [...new Set(normalized)];
}

/** Creates a project with its public key and a first secret key. */
export async function createProject(db: Db, input: NewProject): Promise<CreatedProject> {
  const publicKey = generateKey('pk');
  const secretKey = generateKey('sk');
  return db.transaction(async (tx) => {
    const [project] = await tx
      .insert(projects)
      .values({
        name: input.name,
        publicKey,
        allowedOrigins: normalizeOrigins(input.allowedOrigins ?? []),
        appearance: appearanceSchema.parse(input.appearance ?? {}),
        isDemo: input.isDemo ?? false,
        identityVerification: input.identityVerification ?? (input.isDemo ? 'off' : 'required'),
      })
      .returning();
    await tx.insert(secretKeys).values({
      projectId: project!.id,
      name: 'Default',
      prefix: keyPrefix(secretKey),
      hash: hashKey(secretKey),
    });
    await insertDefaultRules(tx, project!.id);
    return { project: project!, publicKey, secretKey };
  });
}

/** Creates another secret key for a project; the key is returned once. */
export async function createSecretKey(db: Db, projectId: string, name: string) {
  const key = generateKey('sk');
  const [row] = await db
    .insert(secretKeys)
    .values({ projectId, name, prefix: keyPrefix(key), hash: hashKey(key) })
    .returning({ id: secretKeys.id, prefix: secretKeys.prefix, createdAt: secretKeys.createdAt });
  return { ...row!, key };
}

export const demoSurveys: SurveyCreate[] = [
  {
    name: 'Net Promoter Score',
    kind: 'nps',
    texts: {
      en: {
        question: 'How likely are you to recommend us to a friend or colleague?',
        lowLabel: 'Not at all likely',
        highLabel: 'Extremely likely',
        followUp: {
          negative: 'We are sorry to hear that. What disappointed you?',
          neutral: 'What would make us a 10 for you?',
          positive: 'Great to hear! What do you like most?',
        },
        thankYou: 'Thank you — your feedback goes straight to our team.',
      },
      de: {
        question: 'Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen empfehlen?',
        lowLabel: 'Sehr unwahrscheinlich',
        highLabel: 'Sehr wahrscheinlich',
      },
    },
    targeting: { delaySeconds: 2 },
  },
  {
    name: 'Customer satisfaction',
    kind: 'csat',
    texts: {
      en: {
        question: 'How satisfied are you with your experience today?',
        followUp: { negative: 'What went wrong?', positive: 'What did you like?' },
      },
    },
    targeting: { onEvent: 'checkout-completed', delaySeconds: 0 },
  },
  {
    name: 'Customer effort',
    kind: 'ces',
    texts: {
      en: {
        question: 'The site made it easy for me to do what I wanted.',
        lowLabel: 'Strongly disagree',
        highLabel: 'Strongly agree',
        followUp: { negative: 'What made it hard?' },
      },
    },
    targeting: { onEvent: 'support-chat-closed', delaySeconds: 0 },
  },
];

/**
 * Creates the demo project: any origin, no cooldown, an NPS survey that shows after two seconds,
 * and a CSAT and a CES survey that show on the demo page's tracked events.
 */
export async function createDemoProject(db: Db): Promise<CreatedProject & { surveyIds: string[] }> {
  const created = await createProject(db, { name: 'Demo', isDemo: true, appearance: { cooldownDays: 0 } });
  const rows = await db
    .insert(surveys)
    .values(
      demoSurveys.map((survey) => {
        const parsed = surveyCreateSchema.parse(survey);
        return { ...parsed, projectId: created.project.id };
      }),
    )
    .returning({ id: surveys.id });
  return { ...created, surveyIds: rows.map((row) => row.id) };
}

/** The demo project, if this database has one. */
export async function findDemoProject(db: Db): Promise<ProjectRow | undefined> {
  const [project] = await db.select().from(projects).where(eq(projects.isDemo, true)).limit(1);
  return project;
}

const toSettings = (row: ProjectRow): ProjectSettings => ({
  id: row.id,
  name: row.name,
  publicKey: row.publicKey,
  allowedOrigins: row.allowedOrigins,
  appearance: row.appearance,
  identityVerification: row.identityVerification,
  hasIdentitySecret: row.identitySecret !== null,
  retentionDays: row.retentionDays,
  createdAt: row.createdAt.toISOString(),
});

/** The project's settings: name, public key, allowed origins, appearance. */
export async function projectSettings(db: Db, projectId: string): Promise<ProjectSettings> {
  const [row] = await db.select().from(projects).where(eq(projects.id, projectId));
  return toSettings(row!);
}

/** Changes the name, allowed origins (normalised; a bad one is a 400 naming it) or appearance. */
export async function updateProjectSettings(
  db: Db,
  projectId: string,
  changes: z.output<typeof projectUpdateSchema>,
): Promise<ProjectSettings> {
  const { allowedOrigins, ...rest } = changes;
  let origins: string[] | undefined;
  if (allowedOrigins) {
    try {
      origins = normalizeOrigins(allowedOrigins);
    } catch (error) {
      if (!(error instanceof InvalidOriginError)) throw error;
      const index = allowedOrigins.findIndex((origin) => {
        try {
          normalizeOrigins([origin]);
          return false;
        } catch {
          return true;
        }
      });
      throw new ValidationError([{ path: `allowedOrigins.${index}`, message: error.message }]);
    }
  }
  const [row] = await db
    .update(projects)
    .set({ ...rest, ...(origins ? { allowedOrigins: origins } : {}), updatedAt: new Date() })
    .where(eq(projects.id, projectId))
    .returning();
  return toSettings(row!);
}

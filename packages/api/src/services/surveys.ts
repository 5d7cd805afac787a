import {
  defaultLocaleProblem,
  type Survey,
  type surveyCreateSchema,
  type surveyUpdateSchema,
  type WidgetConfig,
} from '@closeloop/shared';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../db/client.ts';
import { surveys } from '../db/schema/index.ts';
import { Errors, ValidationError } from '../errors.ts';
import type { ProjectRow } from './projects.ts';

export type SurveyRow = typeof surveys.$inferSelect;

/** A survey row as the API returns it. */
export function toSurvey(row: SurveyRow): Survey {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    status: row.status,
    defaultLocale: row.defaultLocale,
    texts: row.texts,
    targeting: row.targeting,
    recontact: row.recontact,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const surveyNotFound = (id: string) => new Errors.NotFound(`No survey ${id} in this project`);

/** A survey of the project that is not deleted. */
const live = (projectId: string, id: string) =>
  and(eq(surveys.projectId, projectId), eq(surveys.id, id), isNull(surveys.deletedAt));

/** The project's surveys (not deleted), oldest first. */
export async function listSurveys(db: Db, projectId: string): Promise<Survey[]> {
  const rows = await db
    .select()
    .from(surveys)
    .where(and(eq(surveys.projectId, projectId), isNull(surveys.deletedAt)))
    .orderBy(asc(surveys.createdAt), asc(surveys.id));
  return rows.map(toSurvey);
}

/** Creates a survey (a body parsed by `surveyCreateSchema`, defaults filled in). */
export async function createSurvey(
  db: Db,
  projectId: string,
  input: z.output<typeof surveyCreateSchema>,
): Promise<Survey> {
  const [row] = await db
    .insert(surveys)
    .values({ ...input, projectId })
    .returning();
  return toSurvey(row!);
}

/** A survey of the project; 404 when there is none (or it is deleted). */
export async function getSurvey(db: Db, projectId: string, id: string): Promise<Survey> {
  const [row] = await db.select().from(surveys).where(live(projectId, id));
  if (!row) throw surveyNotFound(id);
  return toSurvey(row);
}

/**
 * Changes a survey: only the fields sent change, inside `targeting` and `recontact` too; the
 * default locale must keep its texts, whichever of the two changes.
 */
export async function updateSurvey(
  db: Db,
  projectId: string,
  id: string,
  changes: z.output<typeof surveyUpdateSchema>,
): Promise<Survey> {
  const { targeting, recontact, ...rest } = changes;
  const row = await db.transaction(async (tx) => {
    if (rest.defaultLocale !== undefined || rest.texts !== undefined) {
      const [stored] = await tx
        .select({ defaultLocale: surveys.defaultLocale, texts: surveys.texts })
        .from(surveys)
        .where(live(projectId, id))
        .for('update');
      if (!stored) throw surveyNotFound(id);
      const problem = defaultLocaleProblem(
        rest.defaultLocale ?? stored.defaultLocale,
        rest.texts ?? stored.texts,
      );
      if (problem)
        throw new ValidationError([
          rest.texts && !rest.defaultLocale
            ? { path: 'texts', message: `must keep texts for the default locale "${stored.defaultLocale}"` }
            : { path: 'defaultLocale', message: problem },
        ]);
    }
    const [updated] = await tx
      .update(surveys)
      .set({
        ...rest,
        // Only the fields sent change; the rest of the stored object stays.
        ...(targeting ? { targeting: sql`${surveys.targeting} || ${JSON.stringify(targeting)}::jsonb` } : {}),
        ...(recontact ? { recontact: sql`${surveys.recontact} || ${JSON.stringify(recontact)}::jsonb` } : {}),
        updatedAt: new Date(),
      })
      .where(live(projectId, id))
      .returning();
    return updated;
  });
  if (!row) throw surveyNotFound(id);
  return toSurvey(row);
}

/** Deletes a survey (soft: its responses are kept); 404 when there is none. */
export async function deleteSurvey(db: Db, projectId: string, id: string): Promise<void> {
  const now = new Date();
  const [row] = await db
    .update(surveys)
    .set({ deletedAt: now, updatedAt: now })
    .where(live(projectId, id))
    .returning({ id: surveys.id });
  if (!row) throw surveyNotFound(id);
}

/** What the widget needs of a project: its appearance and active surveys, oldest first. */
export async function widgetConfig(db: Db, project: ProjectRow): Promise<WidgetConfig> {
  const rows = await db
    .select()
    .from(surveys)
    .where(and(eq(surveys.projectId, project.id), eq(surveys.status, 'active'), isNull(surveys.deletedAt)))
    .orderBy(asc(surveys.createdAt), asc(surveys.id));
  return {
    projectId: project.id,
    appearance: project.appearance,
    surveys: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      defaultLocale: row.defaultLocale,
      texts: row.texts,
      targeting: row.targeting,
      recontact: row.recontact,
      updatedAt: row.updatedAt.toISOString(),
    })),
  };
}

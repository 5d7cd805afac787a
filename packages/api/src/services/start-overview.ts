import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { projects, staffUsers, surveys } from '../db/schema/index.ts';
import { type CreatedProject, createDemoProject, findDemoProject } from './projects.ts';
import { createSetupToken } from './staff.ts';

/** The demo project made on the first start of an empty database, with its secret key (shown once). */
export async function createDemoProjectIfEmpty(db: Db): Promise<CreatedProject | undefined> {
  const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(projects);
  return total === 0 ? await createDemoProject(db) : undefined;
}

/** What the start banner shows: the demo project and its surveys, and how to reach the inbox. */
export interface StartOverview {
  demo: { publicKey: string; surveys: { id: string; kind: string }[] } | undefined;
  /**
   * Projects without staff (the first ten), each with a new one-time setup token for its first
   * owner: earlier unused tokens stop working. Empty when every project has staff.
   */
  setupTokens: { projectName: string; token: string }[];
}

const demoSurveyOrder = ['nps', 'csat', 'ces'];

/** Gathers the start banner's facts (and makes the setup tokens it shows). */
export async function startOverview(db: Db): Promise<StartOverview> {
  const demo = await findDemoProject(db);
  const withoutStaff = await db
    .select({ id: projects.id, name: projects.name })
    .from(projects)
    .where(sql`not exists (select 1 from ${staffUsers} where ${staffUsers.projectId} = ${projects.id})`)
    .orderBy(asc(projects.createdAt))
    .limit(10);
  const setupTokens = [];
  for (const project of withoutStaff) {
    setupTokens.push({ projectName: project.name, token: await createSetupToken(db, project.id) });
  }
  if (!demo) return { demo: undefined, setupTokens };
  const demoSurveys = await db
    .select({ id: surveys.id, kind: surveys.kind })
    .from(surveys)
    .where(and(eq(surveys.projectId, demo.id), isNull(surveys.deletedAt)))
    .orderBy(asc(surveys.createdAt));
  demoSurveys.sort((a, b) => demoSurveyOrder.indexOf(a.kind) - demoSurveyOrder.indexOf(b.kind));
  return { demo: { publicKey: demo.publicKey, surveys: demoSurveys }, setupTokens };
}

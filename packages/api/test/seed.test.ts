import { describe, expect, it } from 'vitest';
import { seedDemoData } from '../src/services/seed.ts';
import { databaseTargets, useTestApp } from './helpers/app.ts';

describe.each(databaseTargets())('closeloop seed on $name', (target) => {
  const ctx = useTestApp(target);

  it('adds data on every run, reusing the demo respondents already stored', async () => {
    const project = await ctx.newProject();
    const options = { projectId: project.projectId, responses: 40, months: 1 };
    const first = await seedDemoData(ctx.database.db, options);
    expect(first).toMatchObject({ responses: 40, respondents: 10 });
    // The same people again (same external ids), and a different draw of the numbers.
    const second = await seedDemoData(ctx.database.db, { ...options, seed: 7 });
    expect(second).toMatchObject({ responses: 40, respondents: 10 });
    await seedDemoData(ctx.database.db, options);

    const [counts] = await ctx.database.query<{ responses: number; respondents: number; linked: number }>(
      `select (select count(*)::int from responses where project_id = $1) as responses,
              (select count(*)::int from respondents where project_id = $1) as respondents,
              (select count(distinct respondent_id)::int from responses where project_id = $1) as linked`,
      [project.projectId],
    );
    expect(counts).toMatchObject({ responses: 120, respondents: 10 });
    expect(counts!.linked).toBeGreaterThan(1);
    expect(counts!.linked).toBeLessThanOrEqual(10);
  });
});

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { databaseTargets, useTestApp } from './helpers/app.ts';
import { storeResponse } from './helpers/role-matrix.ts';

const migration = new URL('../drizzle/0004_lowercase_tags.sql', import.meta.url);

describe.each(databaseTargets())('migration 0004: tags stored before in lower case, on $name', (target) => {
  const ctx = useTestApp(target);

  it('lower-cases and de-duplicates stored tags and rule tags, and changes nothing else', async () => {
    const project = await ctx.newProject();
    const mixed = await storeResponse(ctx, project);
    const lower = await storeResponse(ctx, project);
    const untagged = await storeResponse(ctx, project);
    const setTags = (id: string, tags: string[]) =>
      ctx.database.query('update responses set tags = $1::text[] where project_id = $2 and id = $3', [
        `{${tags.map((tag) => `"${tag}"`).join(',')}}`,
        project.projectId,
        id,
      ]);
    await setTags(mixed, ['Billing', 'VIP', 'billing', 'Élan']);
    await setTags(lower, ['billing']);
    await ctx.database.query(
      `update follow_up_rules set effects = jsonb_set(effects, '{addTags}', '["Hot", "vip", "HOT"]')
       where project_id = $1 and name like 'Detractors%'`,
      [project.projectId],
    );
    const [before] = await ctx.database.query<{ updated_at: string }>(
      'select updated_at::text from responses where project_id = $1 and id = $2',
      [project.projectId, lower],
    );

    const statements = (await readFile(migration, 'utf8')).split('--> statement-breakpoint');
    // Run twice: a second run finds nothing to change.
    for (let run = 0; run < 2; run++) for (const statement of statements) await ctx.database.query(statement);

    const get = async (id: string) =>
      (await ctx.asKey(project.secretKey, { method: 'GET', url: `/v1/responses/${id}` })).json().followUp
        .tags;
    expect(await get(mixed)).toEqual(['billing', 'vip', 'élan']);
    expect(await get(lower)).toEqual(['billing']);
    expect(await get(untagged)).toEqual([]);
    const [after] = await ctx.database.query<{ updated_at: string }>(
      'select updated_at::text from responses where project_id = $1 and id = $2',
      [project.projectId, lower],
    );
    expect(after!.updated_at).toBe(before!.updated_at);
    const rules = (await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/follow-up-rules' })).json()
      .data;
    expect(rules.map((rule: { effects: { addTags: string[] } }) => rule.effects.addTags)).toEqual([
      ['hot', 'vip'],
      [],
      [],
    ]);
    const filtered = await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/responses?tag=Billing' });
    expect(
      filtered
        .json()
        .data.map((r: { id: string }) => r.id)
        .sort(),
    ).toEqual([mixed, lower].sort());
  });
});

import { describe, expect, it } from 'vitest';
import { databaseTargets, useTestApp } from './helpers/app.ts';

/**
 * Tables that stay whole on every node of a cluster distributed by project (Citus reference
 * tables): small, read by id or key before the project is known (keys, sessions, sign-in), or
 * the projects themselves. Every other table with a `project_id` is a tenant table.
 */
const referenceTables = new Set([
  'projects',
  'secret_keys',
  'staff_users',
  'staff_sessions',
  'setup_tokens',
  '__drizzle_migrations',
]);

describe.each(databaseTargets())('distribution by project on $name', (target) => {
  const ctx = useTestApp(target);

  it('every tenant table keeps project_id in its primary key and in every unique index', async () => {
    const indexes = await ctx.database.query<{
      table: string;
      index: string;
      primary: boolean;
      columns: string[];
    }>(
      `select t.relname as table, i.relname as index, x.indisprimary as primary,
              array(select a.attname from unnest(x.indkey) as k(attnum)
                    join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum)::text[] as columns
       from pg_index x
       join pg_class t on t.oid = x.indrelid
       join pg_class i on i.oid = x.indexrelid
       join pg_namespace n on n.oid = t.relnamespace
       where n.nspname = 'public' and x.indisunique
         and exists (select 1 from pg_attribute a where a.attrelid = t.oid and a.attname = 'project_id' and not a.attisdropped)`,
    );
    const tenant = indexes.filter((row) => !referenceTables.has(row.table));
    // The check means something only if it sees the tables it is about.
    for (const table of [
      'responses',
      'respondents',
      'events',
      'surveys',
      'response_rollups',
      'event_rollups',
    ])
      expect(tenant.some((row) => row.table === table && row.primary)).toBe(true);
    const offenders = tenant
      .filter((row) => !row.columns.includes('project_id'))
      .map((row) => `${row.table}.${row.index} (${row.columns.join(', ')})`);
    expect(offenders).toEqual([]);
  });
});

/** Time zones as the database knows them: metrics buckets and email schedules are computed by Postgres. */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { selectRows } from '../db/rows.ts';
import { ValidationError } from '../errors.ts';

const timeZoneNames = new WeakMap<Db, Promise<Map<string, string>>>();

/**
 * The database's own spelling of a time zone, or a 400. The query schema accepts what Intl
 * accepts; the buckets are computed by Postgres, which knows a slightly different set (Intl takes
 * `US/Pacific-New`, Postgres does not), so a zone must be known to both. Read once per database.
 */
export async function databaseTimeZone(db: Db, zone: string): Promise<string> {
  let names = timeZoneNames.get(db);
  if (!names) {
    names = selectRows<{ name: string }>(db, sql`select name from pg_timezone_names`).then(
      (rows) => new Map(rows.map((row) => [row.name.toLowerCase(), row.name])),
    );
    timeZoneNames.set(db, names);
    names.catch(() => timeZoneNames.delete(db));
  }
  const name = (await names).get(zone.toLowerCase());
  if (!name) {
    throw new ValidationError([
      {
        path: 'timezone',
        message: `the database does not know the time zone "${zone}"; use an IANA name such as "Europe/Berlin"`,
      },
    ]);
  }
  return name;
}

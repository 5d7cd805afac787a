import type { SQL } from 'drizzle-orm';
import type { Db, Tx } from './client.ts';

/**
 * Runs a `sql` template and returns its rows as objects, whichever driver is behind `db`
 * (postgres-js answers with the rows as an array, PGlite with `{ rows }`).
 */
export async function selectRows<Row>(db: Db | Tx, query: SQL): Promise<Row[]> {
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Row[];
}

/**
 * A Postgres array literal of instants, passed as one parameter and cast with `::timestamptz[]`
 * (drizzle would spread a JavaScript array into a list of parameters).
 */
export const instantsArray = (instants: Date[]) =>
  `{${instants.map((instant) => `"${instant.toISOString()}"`).join(',')}}`;

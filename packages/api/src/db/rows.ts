import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
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
  arrayLiteral(instants.map((instant) => instant.toISOString()));

/**
 * `column = any($1::type[])`: membership in a list as ONE parameter (a Postgres array literal), so
 * the statement's text does not change with the list's length and its prepared form is reused
 * (drizzle's `inArray` spreads a list into one parameter per value, a new statement per length).
 * Values are quoted and escaped as the array literal syntax requires.
 */
export function anyOf(column: SQLWrapper, values: readonly string[], type: 'uuid' | 'text') {
  const literal = arrayLiteral(values);
  return type === 'uuid'
    ? sql`${column} = any(${literal}::uuid[])`
    : sql`${column} = any(${literal}::text[])`;
}

/** A Postgres array literal of text values (one parameter; cast it to the array type wanted). */
export const arrayLiteral = (values: readonly string[]) =>
  `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

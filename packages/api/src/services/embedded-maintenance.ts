import type { Database } from '../db/client.ts';

/**
 * Tables whose size passed their last vacuum's or analysis's record by 10 % (and 8 pages): the
 * embedded database has no other sign of change, as single-user mode keeps no activity counters.
 */
const grownTables = `select c.relname as name
  from pg_class c
 where c.relkind = 'r' and c.relnamespace = 'public'::regnamespace
   and pg_relation_size(c.oid) / current_setting('block_size')::int > c.relpages * 1.1 + 8
 order by c.relname`;

/** WAL written since the last checkpoint, beyond that checkpoint's own record. */
const walSinceCheckpoint = `select pg_wal_lsn_diff(pg_current_wal_lsn(), checkpoint_lsn) > 1024 as due
  from pg_control_checkpoint()`;

export interface Maintenance {
  /** Tables vacuumed and analyzed. */
  tables: string[];
  /** Whether a checkpoint was taken. */
  checkpoint: boolean;
}

/**
 * What autovacuum and the checkpointer do on a Postgres server, for the embedded database, which
 * runs Postgres in single-user mode without them: vacuums and analyzes, one at a time, the tables
 * that grew since they were last vacuumed or analyzed, then takes a checkpoint if anything was
 * written since the last one. Without it the planner keeps the statistics of a table's first
 * hours, index-only scans visit the table for every row of pages never marked all-visible, and
 * the WAL grows until the process stops (and a crash replays all of it at the next start).
 */
export async function maintainEmbeddedDatabase(database: Database): Promise<Maintenance> {
  const tables = await database.query<{ name: string }>(grownTables);
  for (const { name } of tables) await database.query(`vacuum (analyze) "${name.replaceAll('"', '""')}"`);
  const [wal] = await database.query<{ due: boolean }>(walSinceCheckpoint);
  if (wal?.due) await database.query('checkpoint');
  return { tables: tables.map(({ name }) => name), checkpoint: wal?.due === true };
}

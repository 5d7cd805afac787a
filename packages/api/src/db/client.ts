import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { attachCatalog, type Catalog } from '../services/catalog.ts';
import { lockDataDir } from './lock.ts';
import { postgresPinger } from './ping.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
/** The drizzle database, whichever driver is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction of `Db`. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  db: Db;
  driver: 'pglite' | 'postgres';
  /** Per-process cache of projects, surveys and rules, kept fresh by LISTEN/NOTIFY. */
  catalog: Catalog;
  /** Applies the committed SQL migrations that have not run yet. */
  migrate(): Promise<void>;
  /**
   * Resolves when the database answers. Postgres: over a connection outside the pool (ping.ts).
   * PGlite runs in this process and cannot be unreachable: resolves while it is open, without
   * queueing behind running statements.
   */
  ping(): Promise<void>;
  /**
   * Runs raw SQL with $1… parameters (tools, tests and benchmarks; the app uses drizzle). SQL that
   * may write forgets the catalog afterwards, as it may have changed anything.
   */
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… — when absent, the embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** Data directory of the embedded database; absent = in memory (tests). */
  dataDir?: string | undefined;
  /**
   * A read-only connection (Postgres only, e.g. a replica): every transaction is read only, so a
   * write sent to it by mistake fails loudly; a smaller pool.
   */
  readOnly?: boolean | undefined;
}

/** Raw-query parameters as both drivers take them: dates as ISO text, objects as JSON text. */
function toParams(params: unknown[]): unknown[] {
  return params.map((value) => {
    if (value instanceof Date) return value.toISOString();
    if (value !== null && typeof value === 'object') return JSON.stringify(value);
    return value;
  });
}

const mayWrite = (text: string) => /\b(insert|update|delete|truncate|alter|drop|create|merge)\b/i.test(text);

/** Connections of a read-only pool: its reads are few and long (metrics, exports), not many and short. */
const readPoolSize = 5;
const readOnlySettings = { application_name: 'closeloop-read', default_transaction_read_only: true } as const;

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Opens the database: Postgres when a URL is given, PGlite otherwise. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.readOnly && !options.databaseUrl)
    throw new Error('A read-only database needs a postgres:// URL');
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.readOnly === true);
  return openPglite(options.dataDir);
}

async function openPostgres(url: string, readOnly = false): Promise<Database> {
  const client = postgres(url, {
    max: readOnly ? readPoolSize : 10,
    // An unreachable database fails a connection within 2 s (the whole handshake), and no statement
    // runs longer than 30 s; requests waiting on a hung server are answered by database-health.ts.
    connect_timeout: 2,
    onnotice: () => {},
    // No JIT: on the bench data (1 M responses, 3 M events) it saves nothing on the per-bucket
    // index scans of /v1/metrics, and once plan costs pass the inlining and optimisation
    // thresholds (a few million rows) compiling makes them 15–25 % slower.
    connection: {
      application_name: 'closeloop',
      jit: 'off',
      statement_timeout: 30_000,
      ...(readOnly ? readOnlySettings : {}),
    },
  });
  const db = drizzlePostgres({ client, schema }) as unknown as Db;
  const pinger = postgresPinger(url);
  // LISTEN holds a connection of its own (outside the pool), opened on the catalog's first use.
  const catalog = attachCatalog(db, async (channel, onNotify, onListen) => {
    const { unlisten } = await client.listen(channel, onNotify, onListen);
    return unlisten;
  });
  return {
    db,
    driver: 'postgres',
    catalog,
    migrate: () => migratePostgres(db as never, { migrationsFolder }),
    ping: pinger.ping,
    query: async <Row>(text: string, params: unknown[] = []) => {
      try {
        return (await client.unsafe(text, toParams(params) as never[])) as unknown as Row[];
      } finally {
        if (mayWrite(text)) catalog.clear();
      }
    },
    close: async () => {
      await catalog.close();
      await pinger.close();
      await client.end({ timeout: 5 });
    },
  };
}

/**
 * Settings of the embedded Postgres, passed as `-c` start parameters (ARCHITECTURE.md, "The
 * embedded database"). Its shared buffers are allocated at start in the WebAssembly memory, which
 * never shrinks, so they are sized to the dashboard's working set, not Postgres' 128 MB default.
 */
export const pgliteSettings: Readonly<Record<string, string>> = Object.freeze({
  shared_buffers: '32MB',
  maintenance_work_mem: '16MB',
  max_wal_size: '64MB',
});

const pgliteStartParams = [
  ...PGlite.defaultStartParams,
  ...Object.entries(pgliteSettings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
];

const initdbScript = fileURLToPath(new URL('./pglite-initdb.mjs', import.meta.url));

/**
 * Creates a missing data directory in a child process: PGlite's initdb runs a second WebAssembly
 * instance whose memory (~430 MB) stays referenced in the process that ran it, which would keep
 * a first start's server at ~770 MB instead of ~390 MB.
 */
function initDataDir(dataDir: string): Promise<void> {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return Promise.resolve();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [initdbScript, dataDir, JSON.stringify(pgliteStartParams)],
      { timeout: 120_000 },
      (error, _stdout, stderr) => {
        if (error)
          reject(new Error(`Could not create the database in ${dataDir}: ${stderr.trim() || error.message}`));
        else resolve();
      },
    );
  });
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  const release = dataDir ? lockDataDir(dataDir) : () => {};
  let client: PGlite;
  try {
    if (dataDir) await initDataDir(dataDir);
    client = await PGlite.create(dataDir, { startParams: pgliteStartParams });
  } catch (error) {
    release();
    throw error;
  }
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  // One connection in this process: a notification arrives with the result of the statement
  // that committed the change.
  const catalog = attachCatalog(db, (channel, onNotify) => client.listen(channel, onNotify));
  return {
    db,
    driver: 'pglite',
    catalog,
    migrate: () => migratePglite(db as never, { migrationsFolder }),
    ping: async () => {
      if (client.closed) throw new Error('The embedded database is closed');
    },
    query: async <Row>(text: string, params: unknown[] = []) => {
      try {
        return (await client.query<Row>(text, toParams(params))).rows;
      } finally {
        if (mayWrite(text)) catalog.clear();
      }
    },
    close: async () => {
      try {
        await catalog.close();
        if (!client.closed) await client.close();
      } finally {
        release();
      }
    },
  };
}

/**
 * The embedded database (PGlite): the settings that keep its memory small reach Postgres, on a
 * data directory it creates (in a process of its own) and when it opens one again, and the
 * maintenance that stands in for autovacuum, which single-user Postgres does not run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app.ts';
import { type Database, openDatabase, pgliteSettings } from '../src/db/client.ts';
import { maintainEmbeddedDatabase } from '../src/services/embedded-maintenance.ts';

async function settingsOf(database: Database): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.keys(pgliteSettings).map(async (name) => {
      const [row] = await database.query<Record<string, string>>(`show ${name}`);
      return [name, row![name]!] as const;
    }),
  );
  return Object.fromEntries(entries);
}

describe('embedded database', () => {
  let dataDir: string;
  let database: Database;

  beforeAll(async () => {
    dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-embedded-')), 'data');
    database = await openDatabase({ dataDir });
    await database.migrate();
  });

  afterAll(async () => {
    await database?.close();
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('creates a missing data directory and runs with its own settings', async () => {
    expect(fs.existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(pgliteSettings.shared_buffers).toBe('32MB');
    expect(await settingsOf(database)).toEqual(pgliteSettings);
  });

  it('keeps its settings when it opens the directory again', async () => {
    await database.close();
    database = await openDatabase({ dataDir });
    expect(await settingsOf(database)).toEqual(pgliteSettings);
    const [row] = await database.query<{ n: number }>(
      'select count(*)::int as n from drizzle.__drizzle_migrations',
    );
    expect(row!.n).toBeGreaterThan(0);
  });

  it('runs with the same settings in memory', async () => {
    const inMemory = await openDatabase({});
    try {
      expect(await settingsOf(inMemory)).toEqual(pgliteSettings);
    } finally {
      await inMemory.close();
    }
  });

  it('vacuums and analyzes a table that grew, then leaves it alone until it grows again', async () => {
    await database.query('create table maintenance_probe (id int primary key, note text)');
    await database.query(
      `insert into maintenance_probe select i, 'note ' || i from generate_series(1, 20000) as i`,
    );
    const [before] = await database.query<{ reltuples: number }>(
      `select reltuples from pg_class where relname = 'maintenance_probe'`,
    );
    expect(before!.reltuples).toBe(-1);

    expect((await maintainEmbeddedDatabase(database)).tables).toEqual(['maintenance_probe']);
    const [after] = await database.query<{ reltuples: number; relallvisible: number; relpages: number }>(
      `select reltuples, relallvisible, relpages from pg_class where relname = 'maintenance_probe'`,
    );
    expect(after!.reltuples).toBe(20000);
    // Vacuumed, not only analyzed: the pages are marked all-visible for index-only scans.
    expect(after!.relallvisible).toBe(after!.relpages);

    expect((await maintainEmbeddedDatabase(database)).tables).toEqual([]);
    await database.query(
      `insert into maintenance_probe select i, 'note ' || i from generate_series(20001, 30000) as i`,
    );
    expect((await maintainEmbeddedDatabase(database)).tables).toEqual(['maintenance_probe']);
  });

  it('takes a checkpoint when anything was written since the last one, as nothing else does', async () => {
    const checkpointLsn = async () =>
      (
        await database.query<{ lsn: string }>(
          'select checkpoint_lsn::text as lsn from pg_control_checkpoint()',
        )
      )[0]!.lsn;
    await maintainEmbeddedDatabase(database);
    const settled = await checkpointLsn();
    expect((await maintainEmbeddedDatabase(database)).checkpoint).toBe(false);

    await database.query(
      `insert into maintenance_probe select i, 'note' from generate_series(30001, 30100) as i`,
    );
    // Single-user Postgres never checkpoints by itself, however much is written.
    expect(await checkpointLsn()).toBe(settled);
    expect((await maintainEmbeddedDatabase(database)).checkpoint).toBe(true);
    expect(await checkpointLsn()).not.toBe(settled);
  });

  it('is maintained by the server every five minutes, and not at start', async () => {
    await database.query('create table maintenance_by_server (id int primary key)');
    await database.query('insert into maintenance_by_server select i from generate_series(1, 20000) as i');
    const reltuples = async () =>
      (
        await database.query<{ n: number }>(
          `select reltuples as n from pg_class where relname = 'maintenance_by_server'`,
        )
      )[0]!.n;
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const app = await buildApp({ database, deliveryWorker: false });
      await app.ready();
      expect(await reltuples()).toBe(-1);
      vi.advanceTimersByTime(5 * 60_000);
      // Closing waits for the run in progress.
      await app.close();
    } finally {
      vi.useRealTimers();
    }
    expect(await reltuples()).toBe(20000);
  });
});

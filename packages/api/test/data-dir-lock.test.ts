/**
 * The embedded database's single-writer lock, raced by several processes at once: of processes
 * starting together, on a free directory or on one whose lock was left by a process that died,
 * exactly one gets the lock.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../src/db/lock.ts';

const run = promisify(execFile);
const runTs = path.resolve(import.meta.dirname, '../bin/run-ts.mjs');
const contender = path.resolve(import.meta.dirname, 'helpers/lock-contender.ts');
const contenders = 4;

/** The pid of a process that has exited (no process runs with it now). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

const made: string[] = [];
const newDataDir = () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-lock-'));
  made.push(parent);
  return path.join(parent, 'data');
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});
const lockFileOf = (dataDir: string) => path.join(dataDir, '..', 'data.lock');

async function race(dataDir: string): Promise<string[]> {
  // Contenders start their node and tsx first, then all try at the same instant.
  const startAt = Date.now() + 4000;
  const outputs = await Promise.all(
    Array.from({ length: contenders }, () =>
      run(process.execPath, [runTs, contender, dataDir, String(startAt), '1500'], { timeout: 30_000 }),
    ),
  );
  return outputs.map((output) => output.stdout.trim()).sort();
}

describe('data directory lock', () => {
  it('lets exactly one of several processes starting at once take a free directory', async () => {
    const dataDir = newDataDir();
    fs.mkdirSync(dataDir, { recursive: true });
    expect(await race(dataDir)).toEqual(['acquired', ...Array(contenders - 1).fill('locked')]);
    expect(fs.existsSync(lockFileOf(dataDir))).toBe(false);
  }, 60_000);

  it('lets exactly one of several processes break a lock left by a process that died', async () => {
    const dataDir = newDataDir();
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(lockFileOf(dataDir), String(deadPid()));
    expect(await race(dataDir)).toEqual(['acquired', ...Array(contenders - 1).fill('locked')]);
    // No breaker or draft files are left behind.
    expect(fs.readdirSync(path.dirname(dataDir)).sort()).toEqual(['data']);
  }, 60_000);

  it('refuses a directory locked by a running process, and takes over a stale or empty lock', () => {
    const dataDir = newDataDir();
    const release = lockDataDir(dataDir);
    expect(() => lockDataDir(dataDir)).toThrow(DataDirLockedError);
    release();
    fs.writeFileSync(lockFileOf(dataDir), String(process.ppid));
    expect(() => lockDataDir(dataDir)).toThrow(/in use by another Closeloop process/);
    for (const stale of [String(deadPid()), '']) {
      fs.writeFileSync(lockFileOf(dataDir), stale);
      const taken = lockDataDir(dataDir);
      expect(fs.readFileSync(lockFileOf(dataDir), 'utf8')).toBe(String(process.pid));
      taken();
    }
    expect(fs.existsSync(lockFileOf(dataDir))).toBe(false);
  });
});

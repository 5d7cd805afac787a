import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const code = (error: unknown) => (error as NodeJS.ErrnoException).code;

/**
 * Creates `target` holding `text`, only if it does not exist (EEXIST otherwise), and never visible
 * half-written: the text is written to a file of its own, which is then hard-linked to `target`.
 */
function createWith(target: string, text: string): void {
  const draft = `${target}.${process.pid}.${randomBytes(6).toString('hex')}`;
  fs.writeFileSync(draft, text, { flag: 'wx' });
  try {
    fs.linkSync(draft, target);
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

/** The lock file's owner and identity, or null when there is none. */
function readLock(lockPath: string): { pid: number; id: string } | null {
  try {
    const stat = fs.statSync(lockPath);
    const pid = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10);
    return { pid, id: `${stat.dev}-${stat.ino}-${stat.mtimeMs}` };
  } catch (error) {
    if (code(error) === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Removes a stale lock (its process no longer runs), atomically with respect to every other process
 * trying the same: only the one that creates the breaker file named after this very lock file
 * (device, inode, time) removes it, after checking it is still that file. The others start over
 * and find either no lock or the winner's.
 */
function breakStaleLock(lockPath: string, stale: { pid: number; id: string }): void {
  const breaker = `${lockPath}.break-${stale.id}`;
  try {
    createWith(breaker, String(process.pid));
  } catch (error) {
    if (code(error) !== 'EEXIST') throw error;
    // Another process is breaking it. A breaker left by a process that died midway is cleared.
    let text: string;
    try {
      text = fs.readFileSync(breaker, 'utf8');
    } catch (readError) {
      // The other process finished and removed its breaker in between: start over.
      if (code(readError) === 'ENOENT') return;
      throw readError;
    }
    const owner = Number.parseInt(text, 10);
    if (Number.isInteger(owner) && !isRunning(owner)) fs.rmSync(breaker, { force: true });
    return;
  }
  try {
    if (readLock(lockPath)?.id === stale.id) fs.rmSync(lockPath, { force: true });
  } finally {
    fs.rmSync(breaker, { force: true });
  }
}

/**
 * Takes the single-writer lock of an embedded data directory. PGlite has one writer: a second
 * process opening the same directory would corrupt it, so it must stop here with a clear message.
 * The lock file is created exclusively, already holding the owner's pid; a lock left by a process
 * that no longer runs is broken atomically (`breakStaleLock`), so of processes racing for it,
 * exactly one gets it.
 * @returns a function that releases the lock.
 */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  // The same directory reached through a symlink must find the same lock.
  dataDir = fs.realpathSync(dataDir);
  const lockPath = path.join(dataDir, '..', `${path.basename(dataDir)}.lock`);
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      createWith(lockPath, String(process.pid));
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (error) {
      if (code(error) !== 'EEXIST') throw error;
    }
    const lock = readLock(lockPath);
    if (!lock) continue;
    if (lock.pid === process.pid) {
      throw new DataDirLockedError(`The embedded database in ${dataDir} is already open in this process.`);
    }
    if (Number.isInteger(lock.pid) && isRunning(lock.pid)) {
      throw new DataDirLockedError(
        `The embedded database in ${dataDir} is in use by another Closeloop process (pid ${lock.pid}). ` +
          'Stop that process first, or point CLOSELOOP_DATA_DIR at another directory.',
      );
    }
    breakStaleLock(lockPath, lock);
    // Give a process breaking the lock at the same moment time to finish.
    if (attempt > 1) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5 * attempt);
  }
  throw new DataDirLockedError(`Could not lock the embedded database in ${dataDir}.`);
}

// A process racing for a data-directory lock (data-dir-lock.test.ts): waits until the given
// instant so every contender tries at once, then prints "acquired" (and holds the lock a while)
// or "locked".
import { DataDirLockedError, lockDataDir } from '../../src/db/lock.ts';

const [dataDir, startAt, holdMs] = process.argv.slice(2);
while (Date.now() < Number(startAt)) {
  // spin: a timer would be late by more than the race lasts
}
try {
  const release = lockDataDir(dataDir!);
  process.stdout.write('acquired\n');
  setTimeout(() => {
    release();
    process.exit(0);
  }, Number(holdMs));
} catch (error) {
  if (!(error instanceof DataDirLockedError)) throw error;
  process.stdout.write('locked\n');
}

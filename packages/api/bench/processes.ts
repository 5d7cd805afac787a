/**
 * Child processes of `pnpm bench`: the real server (`closeloop start`), the bare Fastify route and
 * the autocannon load client each run in a process of their own, so none of them measures the
 * others. CPU time and memory are read from /proc (Linux); elsewhere they print as "–".
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const apiDir = fileURLToPath(new URL('..', import.meta.url));
const runTs = fileURLToPath(new URL('../bin/run-ts.mjs', import.meta.url));
const cli = fileURLToPath(new URL('../bin/closeloop.mjs', import.meta.url));

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {}

/** CPU time (user + system) a process has used so far, in ms; NaN where /proc is missing. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1000;
  } catch {
    return Number.NaN;
  }
}

/** Resident memory now and at its peak (VmRSS, VmHWM), in MB. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1]) / 1024;
    return { rss: field('VmRSS'), peak: field('VmHWM') };
  } catch {
    return { rss: Number.NaN, peak: Number.NaN };
  }
}

export interface Server {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(match);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it listened:\n${output}`));
    });
  });
}

function stopper(child: ChildProcess, signal: NodeJS.Signals) {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill(signal);
    });
}

/** Environment of a child: the parent's, less anything that would change what is measured. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [
    'DATABASE_URL',
    'DATABASE_READ_URL',
    'REDIS_URL',
    'SMTP_URL',
    'PUBLIC_URL',
    'NODE_OPTIONS',
  ])
    delete env[name];
  return { ...env, ...extra };
}

/**
 * Starts `closeloop start` on a free loopback port. `databaseUrl` absent = the embedded database
 * in `dataDir`. `nodeArgs` are passed to node (e.g. --cpu-prof).
 */
export async function startCloseloop(options: {
  databaseUrl?: string;
  dataDir?: string;
  nodeArgs?: string[];
}): Promise<Server> {
  const env = childEnv({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    // The load client is a proxy on loopback: each request names its visitor in X-Forwarded-For
    // (bench/load.ts), so per-address limits and the counted budget see many visitors, as in real
    // traffic, not one address that the budget would quarantine.
    TRUST_PROXY: '127.0.0.1',
    INGEST_RATE_LIMIT: '1000000000',
    // As `pnpm start` runs it (package.json): glibc's malloc hands memory back sooner.
    MALLOC_ARENA_MAX: '2',
    MALLOC_TRIM_THRESHOLD_: '131072',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(options.dataDir ? { CLOSELOOP_DATA_DIR: options.dataDir } : {}),
  });
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), cli, 'start'], {
    cwd: apiDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const match = await waitForLine(child, /Closeloop is running at (http:\/\/\S+)/, 'closeloop start');
  return { url: match[1]!, pid: child.pid!, stop: stopper(child, 'SIGINT') };
}

/** Starts the bare Fastify route (bench/bare-server.ts). */
export async function startBare(): Promise<Server> {
  const child = spawn(process.execPath, [runTs, 'bench/bare-server.ts'], {
    cwd: apiDir,
    env: childEnv({}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const match = await waitForLine(child, /listening (\d+)/, 'the bare route');
  return { url: `http://127.0.0.1:${match[1]}`, pid: child.pid!, stop: stopper(child, 'SIGTERM') };
}

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  /** Failed answers by status and problem code, e.g. {"503 unavailable": 12}. */
  failures: Record<string, number>;
}

/** Runs the autocannon load client (bench/load.ts) in its own process against `url`. */
export function runLoad(options: {
  url: string;
  key: string;
  surveyId: string;
  perRequest: number;
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runTs, 'bench/load.ts', JSON.stringify(options)], {
      cwd: apiDir,
      env: childEnv({}),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      const last = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`load client exited with ${code}: ${output}`));
      resolve(JSON.parse(last) as LoadResult);
    });
  });
}

/** Summarises a V8 .cpuprofile: self time by package (or source folder) and the top functions. */
export function summarizeProfile(file: string, top = 15): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: {
      id: number;
      hitCount?: number;
      callFrame: { functionName: string; url: string; lineNumber: number };
    }[];
    startTime: number;
    endTime: number;
    samples: number[];
  };
  const interval = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * interval;
    if (ms === 0) continue;
    const { url, functionName, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    total += ms;
    const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const place = pkg
      ? pkg
      : url.includes('/packages/')
        ? `closeloop ${/packages\/([^/]+\/src\/[^/]+)/.exec(url)?.[1] ?? url}`
        : url.startsWith('node:')
          ? 'node core'
          : url === ''
            ? `(native) ${functionName}`
            : url;
    byPlace.set(place, (byPlace.get(place) ?? 0) + ms);
    const name = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  }
  const rank = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => `${((ms / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
  return [
    `busy CPU sampled: ${(total / 1000).toFixed(1)} s (idle and GC-less "(program)" left out)`,
    'by package or source folder:',
    ...rank(byPlace).map((text) => `   ${text}`),
    'by function (self time):',
    ...rank(byFunction).map((text) => `   ${text}`),
  ];
}

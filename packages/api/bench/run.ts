/**
 * `pnpm bench`: Closeloop against baselines measured in the same run.
 *
 * The real server (`closeloop start`) and a bare Fastify route run as processes of their own and
 * are driven by autocannon from a third process (bench/processes.ts, bench/load.ts). Baselines:
 * raw inserts of the same rows into `responses` with the same driver (`postgres`) and the same
 * concurrency, and `pgbench` inserting into a copy of `responses` when it is installed.
 *
 *  1. Ingestion on Postgres: 1 and 100 responses per request; req/s, p50/p99, CPU per request
 *     of the server process and its peak RSS; ratios against the baselines of this run.
 *  2. Metrics and segments on 1 000 000 responses and 3 000 000 impressions, against a plain
 *     count(*) of the responses; the export of all of them against a raw driver cursor.
 *  3. The embedded database (PGlite): idle RSS, the dashboard (metrics + segments) on 100 000
 *     responses, then ingestion as in 1.
 *
 * Bounded in time (BENCH_SECONDS per load case, default 5) and size (BENCH_METRICS_ROWS,
 * BENCH_EMBEDDED_ROWS); talks only to 127.0.0.1. BENCH_PROFILE=1 runs the Postgres server under
 * `--cpu-prof` and prints where its CPU time went. Uses BENCH_DATABASE_URL, TEST_DATABASE_URL or
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) to create and drop its own
 * database.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { openDatabase } from '../src/db/client.ts';
import { createProject } from '../src/services/projects.ts';
import {
  cpuMs,
  type LoadResult,
  memoryMb,
  runLoad,
  type Server,
  startBare,
  startCloseloop,
  summarizeProfile,
} from './processes.ts';

const serverUrl =
  process.env.BENCH_DATABASE_URL ||
  process.env.TEST_DATABASE_URL ||
  process.env.DATABASE_URL ||
  'postgres://postgres@127.0.0.1:5432/postgres';
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const metricsRows = Number(process.env.BENCH_METRICS_ROWS ?? 1_000_000);
const embeddedRows = Number(process.env.BENCH_EMBEDDED_ROWS ?? 100_000);
const profile = process.env.BENCH_PROFILE === '1';
// pgbench opens one connection per client and Postgres allows 100 by default.
const pgbenchClients = Number(process.env.BENCH_PGBENCH_CLIENTS ?? 16);

const line = (text = '') => console.log(text);
const fmt = (value: number, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';
const ratio = (a: number, b: number) => `${fmt(a / b, 2)}×`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await run();
  return [result, performance.now() - start];
}

interface Measured extends LoadResult {
  cpuPerRequest: number;
  peakRss: number;
}

/** A load case against a server process: a 1 s warm-up, then `seconds` measured. */
async function measure(server: Server, key: string, surveyId: string, perRequest: number): Promise<Measured> {
  const target = { url: `${server.url}/v1/responses`, key, surveyId, perRequest, connections };
  await runLoad({ ...target, seconds: 1 });
  const before = cpuMs(server.pid);
  const result = await runLoad({ ...target, seconds });
  const cpu = cpuMs(server.pid) - before;
  return { ...result, cpuPerRequest: cpu / result.requests, peakRss: memoryMb(server.pid).peak };
}

/** `workers` concurrent loops of one insert statement of `rows` rows each, for `seconds`. */
async function rawInserts(projectId: string, surveyId: string, rows: number) {
  const sqlClient = postgres(databaseUrl, { max: connections, onnotice: () => {} });
  try {
    return await insertLoops(sqlClient, projectId, surveyId, rows);
  } finally {
    await sqlClient.end();
  }
}

async function insertLoops(sqlClient: postgres.Sql, projectId: string, surveyId: string, rows: number) {
  const latencies: number[] = [];
  let statements = 0;
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const values = Array.from({ length: rows }, (_, i) => ({
          project_id: projectId,
          id: crypto.randomUUID(),
          survey_id: surveyId,
          kind: 'nps',
          score: i % 11,
          comment: i % 3 === 0 ? 'The checkout page was slow today.' : null,
          context: sqlClient.json({ url: 'https://shop.example/checkout', locale: 'en' }),
          url: 'https://shop.example/checkout',
          locale: 'en',
          submitted_at: new Date(),
        }));
        const began = performance.now();
        await sqlClient`insert into responses ${sqlClient(values)} on conflict do nothing`;
        latencies.push(performance.now() - began);
        statements++;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  return {
    rowsPerSecond: (statements * rows) / elapsed,
    p50: median(latencies),
    p99: [...latencies].sort((a, b) => a - b)[Math.floor(latencies.length * 0.99)]!,
  };
}

/** pgbench inserting single rows into a copy of `responses` (same columns and indexes). */
async function pgbench(databaseUrl: string, admin: postgres.Sql, projectId: string, surveyId: string) {
  try {
    await promisify(execFile)('pgbench', ['--version']);
  } catch {
    return undefined;
  }
  await admin.unsafe('create table bench_pgbench (like responses including defaults including indexes)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'closeloop-pgbench-'));
  const script = path.join(dir, 'insert.sql');
  writeFileSync(
    script,
    `\\set score random(0, 10)
insert into bench_pgbench (project_id, id, survey_id, kind, score, context, url, locale, submitted_at)
values (:project, gen_random_uuid(), :survey, 'nps', :score,
        '{"url":"https://shop.example/checkout","locale":"en"}', 'https://shop.example/checkout', 'en', now());
`,
  );
  try {
    const { stdout } = await promisify(execFile)('pgbench', [
      '--no-vacuum',
      '--protocol=prepared',
      `--client=${pgbenchClients}`,
      `--jobs=${Math.min(pgbenchClients, os.availableParallelism())}`,
      `--time=${seconds}`,
      `--file=${script}`,
      `--define=project=${projectId}`,
      `--define=survey=${surveyId}`,
      databaseUrl,
    ]);
    const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
    const latency = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]);
    return { rowsPerSecond: tps, latency };
  } catch (error) {
    line(`   pgbench failed: ${(error as { stderr?: string }).stderr?.trim() ?? error}`);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function loadLine(label: string, unit: string, rate: number, result: Partial<Measured>) {
  const errors = (result.non2xx ?? 0) + (result.errors ?? 0);
  const kinds = Object.entries(result.failures ?? {})
    .map(([kind, count]) => `${kind}: ${fmt(count)}`)
    .concat(result.errors ? [`no answer: ${fmt(result.errors)}`] : []);
  line(
    `   ${label.padEnd(38)} ${fmt(rate).padStart(8)} ${unit.padEnd(6)}` +
      `${fmt(result.p50 ?? Number.NaN, 1).padStart(7)} ${fmt(result.p99 ?? Number.NaN, 1).padStart(7)}` +
      `${fmt(result.cpuPerRequest ?? Number.NaN, 2).padStart(9)}${fmt(result.peakRss ?? Number.NaN).padStart(9)}` +
      (errors > 0 ? `   ${fmt(errors)} failed (${kinds.join(', ')})` : ''),
  );
}
const loadHeader = () =>
  line(
    `   ${''.padEnd(38)} ${'rate'.padStart(8)} ${''.padEnd(6)}${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)}${'CPU ms/req'.padStart(11)}${'RSS MB'.padStart(7)}`,
  );

/** GET a management URL of a server process; returns the time it took. */
async function get(server: Server, pathAndQuery: string, secretKey: string): Promise<number> {
  const [, ms] = await timed(async () => {
    const reply = await fetch(`${server.url}${pathAndQuery}`, {
      headers: { authorization: `Bearer ${secretKey}` },
    });
    const text = await reply.text();
    if (reply.status !== 200) throw new Error(`${pathAndQuery} answered ${reply.status}: ${text}`);
  });
  return ms;
}

const seedResponses = `insert into responses (project_id, id, survey_id, kind, score, context, url, locale, submitted_at)
  select $1, gen_random_uuid(), $2, 'nps', (random() * 10)::int, '{"url":"https://shop.example/"}'::jsonb,
         'https://shop.example/' || (array['pricing','checkout','account'])[1 + (i % 3)],
         (array['en','de','fr'])[1 + (i % 3)], now() - random() * interval '365 days'
  from generate_series(1, $3::int) as i`;
// Real traffic: the widget is shown about 2.5 times per answer and sometimes dismissed
// (`closeloop seed` makes 2.4 impressions per response).
const seedEvents = `insert into events (project_id, id, survey_id, type, at)
  select $1, gen_random_uuid(), $2, case when i % 6 = 0 then 'dismissed' else 'shown' end,
         now() - random() * interval '365 days'
  from generate_series(1, $3::int * 3) as i`;

const name = `closeloop_bench_${Date.now()}`;
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;
const databaseUrl = url.toString();
const database = await openDatabase({ databaseUrl });
// For the baselines and seeding; the raw-insert baselines open a pool of `connections` their own.
// No statement timeout: seeding a million rows (with the roll-up triggers) and vacuuming them take
// longer than the 30 s the app's own pool allows a statement.
const raw = postgres(databaseUrl, { max: 2, onnotice: () => {}, connection: { statement_timeout: 0 } });
const benchDir = mkdtempSync(path.join(os.tmpdir(), 'closeloop-bench-'));
const servers: Server[] = [];

try {
  await database.migrate();
  const project = await createProject(database.db, { name: 'Bench' });
  const projectId = project.project.id;
  const [survey] = await database.query<{ id: string }>(
    `insert into surveys (project_id, name, kind, texts, targeting, recontact)
     values ($1, 'NPS', 'nps', '{"en":{"question":"Q"}}', '{}', '{}') returning id`,
    [projectId],
  );
  const surveyId = survey!.id;
  const [{ server_version: version } = { server_version: '' }] = await raw<
    { server_version: string }[]
  >`show server_version`;

  line(
    `Closeloop benchmark — Postgres ${version}, Node ${process.version}, ${os.availableParallelism()} CPUs, ` +
      `load average ${os.loadavg()[0]!.toFixed(1)} at start`,
  );
  line(
    `Servers and the autocannon client are separate processes on loopback; ${connections} connections, ` +
      `${seconds} s per case after a 1 s warm-up. CPU and RSS are the server process's.`,
  );
  line();
  line('1. Ingestion on Postgres');
  loadHeader();

  const bare = await startBare();
  servers.push(bare);
  const bareSingle = await measure(bare, project.publicKey, surveyId, 1);
  await bare.stop();
  loadLine('bare Fastify route, 1 response', 'req/s', bareSingle.perSecond, bareSingle);

  const rawSingle = await rawInserts(projectId, surveyId, 1);
  loadLine('raw insert into responses, 1 row', 'rows/s', rawSingle.rowsPerSecond, rawSingle);
  const rawBatch = await rawInserts(projectId, surveyId, 100);
  loadLine('raw insert, 100 rows per statement', 'rows/s', rawBatch.rowsPerSecond, rawBatch);
  const bench = await pgbench(databaseUrl, raw, projectId, surveyId);
  if (bench)
    loadLine(`pgbench, ${pgbenchClients} clients, 1 row (copy of responses)`, 'rows/s', bench.rowsPerSecond, {
      p50: bench.latency,
    });
  else line('   pgbench is not installed or failed: its baseline is left out');

  const profileDir = path.join(benchDir, 'profile');
  const server = await startCloseloop({
    databaseUrl,
    nodeArgs: profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  servers.push(server);
  const single = await measure(server, project.publicKey, surveyId, 1);
  loadLine('Closeloop, 1 response per request', 'req/s', single.perSecond, single);
  const batch = await measure(server, project.publicKey, surveyId, 100);
  loadLine('Closeloop, 100 responses per request', 'rows/s', batch.perSecond * 100, batch);
  line(
    `   → 1 per request: ${ratio(single.perSecond, bareSingle.perSecond)} the bare route, ` +
      `${ratio(single.perSecond, rawSingle.rowsPerSecond)} raw single-row inserts` +
      (bench ? `, ${ratio(single.perSecond, bench.rowsPerSecond)} pgbench` : '') +
      `; 100 per request: ${ratio(batch.perSecond * 100, rawBatch.rowsPerSecond)} raw 100-row inserts`,
  );

  line();
  line(`2. Insights on Postgres: ${fmt(metricsRows)} responses over 12 months`);
  // A survey of its own: exactly the seeded responses, not those section 1 just stored (which all
  // sit in the last minutes and would make the range's last partial quarter hour a large read).
  const [insightsSurvey] = await database.query<{ id: string }>(
    `insert into surveys (project_id, name, kind, texts, targeting, recontact)
     values ($1, 'NPS insights', 'nps', '{"en":{"question":"Q"}}', '{}', '{}') returning id`,
    [projectId],
  );
  const metricsSurveyId = insightsSurvey!.id;
  const [, seedMs] = await timed(() => raw.unsafe(seedResponses, [projectId, metricsSurveyId, metricsRows]));
  const [, eventsMs] = await timed(() => raw.unsafe(seedEvents, [projectId, metricsSurveyId, metricsRows]));
  // The state autovacuum keeps an insert-mostly table in: statistics and the visibility map.
  await raw.unsafe('vacuum analyze');
  line(
    `   (seeded with generate_series: responses in ${fmt(seedMs / 1000, 1)} s, ` +
      `${fmt(metricsRows * 3)} impressions in ${fmt(eventsMs / 1000, 1)} s)`,
  );
  const from = new Date(Date.now() - 365 * 86_400_000).toISOString();
  const to = new Date().toISOString();
  const range = `surveyId=${metricsSurveyId}&from=${from}&to=${to}`;
  const cases = {
    weekly: `/v1/metrics?${range}&interval=week`,
    daily: `/v1/metrics?${range}&interval=day&timezone=Europe/Berlin`,
    filtered: `/v1/metrics?${range}&interval=week&locale=de`,
    segments: `/v1/metrics/segments?${range}&by=page`,
  };
  const times: Record<keyof typeof cases | 'baseline', number[]> = {
    baseline: [],
    weekly: [],
    daily: [],
    filtered: [],
    segments: [],
  };
  for (let i = 0; i < 5; i++) {
    times.baseline.push(
      (
        await timed(
          () =>
            raw`select count(*) from responses where project_id = ${projectId} and survey_id = ${metricsSurveyId}`,
        )
      )[1],
    );
    for (const [key, target] of Object.entries(cases))
      times[key as keyof typeof cases].push(await get(server, target, project.secretKey));
  }
  const base = median(times.baseline);
  line(`   count(*) of the same rows (raw driver)  ${fmt(base, 1).padStart(8)} ms   (median of 5)`);
  const metricLine = (label: string, key: keyof typeof cases) =>
    line(
      `   ${label.padEnd(39)} ${fmt(median(times[key]), 1).padStart(8)} ms   ${ratio(median(times[key]), base)} count(*)`,
    );
  metricLine('/v1/metrics, 53 weekly buckets', 'weekly');
  metricLine('/v1/metrics, 366 daily buckets, Berlin', 'daily');
  metricLine('/v1/metrics, weekly, locale=de', 'filtered');
  metricLine('/v1/metrics/segments by page', 'segments');

  const [exported, exportMs] = await timed(async () => {
    const reply = await fetch(`${server.url}/v1/responses/export?format=ndjson`, {
      headers: { authorization: `Bearer ${project.secretKey}` },
    });
    let lines = 0;
    for await (const chunk of reply.body!) for (const byte of chunk as Uint8Array) if (byte === 10) lines++;
    return lines;
  });
  const [cursorRows, cursorMs] = await timed(async () => {
    let rows = 0;
    for await (const page of raw`select * from responses where project_id = ${projectId} order by submitted_at, id`.cursor(
      1000,
    ))
      rows += page.length;
    return rows;
  });
  const exportRate = exported / (exportMs / 1000);
  const cursorRate = cursorRows / (cursorMs / 1000);
  line(`   raw driver cursor over every response   ${fmt(cursorRate).padStart(8)} rows/s`);
  line(
    `   NDJSON export of ${fmt(exported)} rows`.padEnd(42) +
      `${fmt(exportRate).padStart(8)} rows/s ${ratio(exportRate, cursorRate)} raw cursor; server peak RSS ${fmt(memoryMb(server.pid).peak)} MB`,
  );
  await server.stop();

  if (profile) {
    line();
    line('   CPU profile of the Postgres server process (--cpu-prof, all of section 1 and 2):');
    const file = readdirSync(profileDir).find((entry) => entry.endsWith('.cpuprofile'));
    if (file) for (const text of summarizeProfile(path.join(profileDir, file))) line(`   ${text}`);
  }

  line();
  line(`3. The embedded database (PGlite), ${fmt(embeddedRows)} responses`);
  const dataDir = path.join(benchDir, 'data');
  const embedded = await openDatabase({ dataDir });
  let embeddedKeys: { publicKey: string; secretKey: string; surveyId: string };
  try {
    await embedded.migrate();
    const created = await createProject(embedded.db, { name: 'Bench' });
    const [row] = await embedded.query<{ id: string }>(
      `insert into surveys (project_id, name, kind, texts, targeting, recontact)
       values ($1, 'NPS', 'nps', '{"en":{"question":"Q"}}', '{}', '{}') returning id`,
      [created.project.id],
    );
    await embedded.query(seedResponses, [created.project.id, row!.id, embeddedRows]);
    await embedded.query(seedEvents, [created.project.id, row!.id, embeddedRows]);
    await embedded.query('vacuum analyze');
    embeddedKeys = { publicKey: created.publicKey, secretKey: created.secretKey, surveyId: row!.id };
  } finally {
    await embedded.close();
  }
  const local = await startCloseloop({ dataDir });
  servers.push(local);
  await sleep(3000);
  const afterStart = memoryMb(local.pid);
  const embeddedRange = `surveyId=${embeddedKeys.surveyId}&from=${from}&to=${to}`;
  const dashboard: number[] = [];
  for (let i = 0; i < 5; i++) {
    const [, ms] = await timed(() =>
      Promise.all([
        get(local, `/v1/metrics?${embeddedRange}&interval=week`, embeddedKeys.secretKey),
        get(local, `/v1/metrics/segments?${embeddedRange}&by=page`, embeddedKeys.secretKey),
      ]),
    );
    dashboard.push(ms);
  }
  line(
    `   dashboard (metrics + segments at once)  ${fmt(median(dashboard), 1).padStart(8)} ms   ` +
      `(median of 5, worst ${fmt(Math.max(...dashboard), 1)} ms)`,
  );
  loadHeader();
  const localSingle = await measure(local, embeddedKeys.publicKey, embeddedKeys.surveyId, 1);
  loadLine('Closeloop embedded, 1 per request', 'req/s', localSingle.perSecond, localSingle);
  const localBatch = await measure(local, embeddedKeys.publicKey, embeddedKeys.surveyId, 100);
  loadLine('Closeloop embedded, 100 per request', 'rows/s', localBatch.perSecond * 100, localBatch);
  line(
    `   worst latency ${fmt(Math.max(localSingle.max, localBatch.max))} ms; ` +
      `RSS idle after start ${fmt(afterStart.rss)} MB, after the load ${fmt(memoryMb(local.pid).rss)} MB, ` +
      `peak ${fmt(memoryMb(local.pid).peak)} MB`,
  );
  await local.stop();
  line();
  line(
    `load average at the end ${os.loadavg()[0]!.toFixed(1)} (other work on the machine skews every figure)`,
  );
} finally {
  for (const server of servers) await server.stop();
  await raw.end();
  await database.close();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
  rmSync(benchDir, { recursive: true, force: true });
}

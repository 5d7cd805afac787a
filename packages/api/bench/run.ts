/**
 * `pnpm bench`: Closeloop against baselines measured in the same run, on the real Postgres.
 *
 *  1. Ingestion throughput over loopback HTTP: POST /v1/responses (1 and 100 responses per
 *     request) against a bare Fastify route that only parses the body, and against raw Postgres
 *     inserts of the same rows with the `postgres` driver (no HTTP).
 *  2. GET /v1/metrics on 1 000 000 responses and 2 500 000 shown impressions (as real traffic
 *     has: `closeloop seed` makes 2.4 per response) against a plain count(*) of the responses.
 *  3. Streaming export of those rows: rows per second against reading them with a raw driver
 *     cursor, and heap growth while streaming.
 *
 * Bounded in count and time; talks only to 127.0.0.1. Uses BENCH_DATABASE_URL, TEST_DATABASE_URL
 * or DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) to create and drop its own
 * database.
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import postgres from 'postgres';
import { buildApp } from '../src/app.ts';
import { openDatabase } from '../src/db/client.ts';
import { createProject } from '../src/services/projects.ts';

const serverUrl =
  process.env.BENCH_DATABASE_URL ||
  process.env.TEST_DATABASE_URL ||
  process.env.DATABASE_URL ||
  'postgres://postgres@127.0.0.1:5432/postgres';
const ingestRequests = Number(process.env.BENCH_REQUESTS ?? 3000);
const concurrency = 16;
const metricsRows = Number(process.env.BENCH_METRICS_ROWS ?? 1_000_000);

const line = (text = '') => console.log(text);
const fmt = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await run();
  return [result, performance.now() - start];
}

/** Runs `total` calls of `call(i)` with `concurrency` in flight; returns calls per second. */
async function throughput(total: number, call: (index: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await call(next++);
    }),
  );
  return total / ((performance.now() - start) / 1000);
}

const name = `closeloop_bench_${Date.now()}`;
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;
const database = await openDatabase({ databaseUrl: url.toString() });
const raw = postgres(url.toString(), { max: concurrency, onnotice: () => {} });

try {
  await database.migrate();
  const project = await createProject(database.db, { name: 'Bench' });
  const [survey] = await database.query<{ id: string }>(
    `insert into surveys (project_id, name, kind, texts, targeting, recontact)
     values ($1, 'NPS', 'nps', '{"en":{"question":"Q"}}', '{}', '{}') returning id`,
    [project.project.id],
  );
  const surveyId = survey!.id;
  const response = () => ({
    id: crypto.randomUUID(),
    surveyId,
    score: Math.floor(Math.random() * 11),
    comment: Math.random() < 0.3 ? 'The checkout page was slow today.' : undefined,
    context: { url: 'https://shop.example/checkout', locale: 'en' },
    submittedAt: new Date().toISOString(),
  });

  line(`Closeloop benchmark — Postgres ${serverUrl.replace(/\/\/[^@]*@/, '//')}, Node ${process.version}`);
  line();
  line(`1. Ingestion: ${fmt(ingestRequests)} requests per case, ${concurrency} in flight, loopback HTTP`);

  const bare = Fastify();
  bare.addContentTypeParser('text/plain', { parseAs: 'string' }, bare.getDefaultJsonParser('error', 'error'));
  bare.post('/bare', async (_request, reply) => reply.code(202).send({ accepted: [] }));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/bare`;

  const app = await buildApp({ database, config: { ingestRateLimit: 10_000_000 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const appUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const post = async (target: string, body: string) => {
    const reply = await fetch(target, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    await reply.arrayBuffer();
    if (reply.status !== 202) throw new Error(`${target} answered ${reply.status}`);
  };
  const single = () => JSON.stringify({ key: project.publicKey, responses: [response()] });

  const bareRate = await throughput(ingestRequests, () => post(bareUrl, single()));
  const rawRate = await throughput(ingestRequests, async () => {
    const item = response();
    await raw`insert into responses (project_id, id, survey_id, kind, score, comment, context, url, locale, submitted_at)
      values (${project.project.id}, ${item.id}, ${surveyId}, 'nps', ${item.score}, ${item.comment ?? null},
              ${raw.json(item.context)}, ${item.context.url}, 'en', ${item.submittedAt})
      on conflict do nothing`;
  });
  const closeloopRate = await throughput(ingestRequests, () => post(`${appUrl}/v1/responses`, single()));
  const batchRequests = Math.max(10, Math.round(ingestRequests / 20));
  const batchRate = await throughput(batchRequests, () =>
    post(
      `${appUrl}/v1/responses`,
      JSON.stringify({ key: project.publicKey, responses: Array.from({ length: 100 }, response) }),
    ),
  );
  line(`   bare Fastify route (parse only)      ${fmt(bareRate).padStart(8)} req/s`);
  line(`   raw Postgres insert (no HTTP)        ${fmt(rawRate).padStart(8)} rows/s`);
  line(
    `   Closeloop, 1 response per request    ${fmt(closeloopRate).padStart(8)} req/s   ` +
      `${fmt(closeloopRate / bareRate, 2)}× bare route, ${fmt(closeloopRate / rawRate, 2)}× raw insert`,
  );
  line(
    `   Closeloop, 100 per request           ${fmt(batchRate * 100).padStart(8)} rows/s  ` +
      `${fmt((batchRate * 100) / rawRate, 2)}× raw insert (${fmt(batchRequests)} requests)`,
  );
  await bare.close();

  line();
  line(`2. Metrics on ${fmt(metricsRows)} responses over 12 months`);
  const [, seedMs] = await timed(() =>
    database.query(
      `insert into responses (project_id, id, survey_id, kind, score, context, url, locale, submitted_at)
       select $1, gen_random_uuid(), $2, 'nps', (random() * 10)::int, '{"url":"https://shop.example/"}'::jsonb,
              'https://shop.example/' || (array['pricing','checkout','account'])[1 + (i % 3)],
              (array['en','de','fr'])[1 + (i % 3)], now() - random() * interval '365 days'
       from generate_series(1, $3::int) as i`,
      [project.project.id, surveyId, metricsRows],
    ),
  );
  // Real traffic: the widget is shown about 2.5 times per answer and sometimes dismissed
  // (`closeloop seed` makes 2.4 impressions per response).
  const [, eventsMs] = await timed(() =>
    database.query(
      `insert into events (project_id, id, survey_id, type, at)
       select $1, gen_random_uuid(), $2, case when i % 6 = 0 then 'dismissed' else 'shown' end,
              now() - random() * interval '365 days'
       from generate_series(1, $3::int * 3) as i`,
      [project.project.id, surveyId, metricsRows],
    ),
  );
  // The state autovacuum keeps an insert-mostly table in: statistics and the visibility map.
  await database.query('vacuum analyze responses');
  await database.query('vacuum analyze events');
  line(
    `   (${fmt(metricsRows)} responses in ${fmt(seedMs / 1000, 1)} s, ${fmt(metricsRows * 2.5)} shown and ` +
      `${fmt(metricsRows * 0.5)} dismissed impressions in ${fmt(eventsMs / 1000, 1)} s, with generate_series)`,
  );
  const auth = { authorization: `Bearer ${project.secretKey}` };
  const from = new Date(Date.now() - 365 * 86_400_000).toISOString();
  const to = new Date().toISOString();
  const runs = 5;
  const baseline: number[] = [];
  const weekly: number[] = [];
  const daily: number[] = [];
  const segments: number[] = [];
  const filtered: number[] = [];
  for (let i = 0; i < runs; i++) {
    baseline.push(
      (
        await timed(
          () =>
            raw`select count(*) from responses where project_id = ${project.project.id} and survey_id = ${surveyId}`,
        )
      )[1],
    );
    const [reply, ms] = await timed(() =>
      app.inject({
        url: `/v1/metrics?surveyId=${surveyId}&interval=week&from=${from}&to=${to}`,
        headers: auth,
      }),
    );
    if (reply.statusCode !== 200) throw new Error(`metrics answered ${reply.statusCode}: ${reply.body}`);
    if (i === 0) line(`   n in range: ${fmt(reply.json().total.n)}`);
    weekly.push(ms);
    daily.push(
      (
        await timed(() =>
          app.inject({
            url: `/v1/metrics?surveyId=${surveyId}&interval=day&from=${from}&to=${to}&timezone=Europe/Berlin`,
            headers: auth,
          }),
        )
      )[1],
    );
    filtered.push(
      (
        await timed(() =>
          app.inject({
            url: `/v1/metrics?surveyId=${surveyId}&interval=week&from=${from}&to=${to}&locale=de`,
            headers: auth,
          }),
        )
      )[1],
    );
    segments.push(
      (
        await timed(() =>
          app.inject({
            url: `/v1/metrics/segments?surveyId=${surveyId}&by=page&from=${from}&to=${to}`,
            headers: auth,
          }),
        )
      )[1],
    );
  }
  const base = median(baseline);
  line(`   baseline: count(*) of the same rows  ${fmt(base, 1).padStart(8)} ms (median of ${runs})`);
  line(
    `   /v1/metrics, 53 weekly buckets       ${fmt(median(weekly), 1).padStart(8)} ms   ${fmt(median(weekly) / base, 2)}× baseline`,
  );
  line(
    `   /v1/metrics, 366 daily, Berlin       ${fmt(median(daily), 1).padStart(8)} ms   ${fmt(median(daily) / base, 2)}× baseline`,
  );
  line(
    `   /v1/metrics, weekly, locale=de       ${fmt(median(filtered), 1).padStart(8)} ms   ${fmt(median(filtered) / base, 2)}× baseline`,
  );
  line(
    `   /v1/metrics/segments by page         ${fmt(median(segments), 1).padStart(8)} ms   ${fmt(median(segments) / base, 2)}× baseline`,
  );

  line();
  line(
    `3. Export of every response (${fmt(metricsRows + ingestRequests * 2 + batchRequests * 100)} rows), streamed over HTTP`,
  );
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  // With --expose-gc (as `pnpm bench` runs) each sample is the live heap, not uncollected garbage.
  const sampler = setInterval(() => {
    global.gc?.();
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 250);
  const [exported, exportMs] = await timed(async () => {
    const reply = await fetch(`${appUrl}/v1/responses/export?format=ndjson`, { headers: auth });
    let lines = 0;
    const reader = reply.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const byte of value) if (byte === 10) lines++;
    }
    return lines;
  });
  clearInterval(sampler);
  const [cursorRows, cursorMs] = await timed(async () => {
    let rows = 0;
    const cursor =
      raw`select * from responses where project_id = ${project.project.id} order by submitted_at, id`.cursor(
        1000,
      );
    for await (const batch of cursor) rows += batch.length;
    return rows;
  });
  const exportRate = exported / (exportMs / 1000);
  const cursorRate = cursorRows / (cursorMs / 1000);
  line(`   raw driver cursor (no HTTP, no JSON) ${fmt(cursorRate).padStart(8)} rows/s`);
  line(
    `   Closeloop NDJSON export              ${fmt(exportRate).padStart(8)} rows/s  ${fmt(exportRate / cursorRate, 2)}× raw cursor`,
  );
  line(
    `   live heap growth while streaming ${fmt(exported)} rows: ${fmt((heapPeak - heapBefore) / 1048576, 1)} MiB (peak over start${global.gc ? '' : '; run with --expose-gc for live heap'})`,
  );
  await app.close();
} finally {
  await raw.end();
  await database.close();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}

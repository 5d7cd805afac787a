/**
 * The export streams in constant memory: while tens of megabytes go out over a real socket to a
 * client that stops reading for a while, the process's live memory (JavaScript heap plus Buffers,
 * after a full collection) grows by a bound that does not depend on how many rows there are — far
 * less than the export itself, which an implementation that buffered rows, or wrote without
 * waiting for the client, would hold.
 */
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { databaseTargets, useTestApp } from './helpers/app.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const mib = 1024 * 1024;
const rows = 40_000;
/** Growth allowed while streaming: a few pages of records and socket buffers. */
const bound = 16 * mib;

/** Live JavaScript heap plus Buffers, after a full collection. */
function liveMemory(): number {
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

// One database: the real Postgres when the run has one (PGlite otherwise). Two in one process would
// measure one's memory being released during the other's test.
describe.each(databaseTargets().slice(-1))('export memory on $name', (target) => {
  const ctx = useTestApp(target);

  it(`streams ${rows.toLocaleString('en-US')} rows with memory growth under ${bound / mib} MiB`, async () => {
    const project = await ctx.newProject();
    await ctx.database.query(
      `insert into responses (project_id, id, survey_id, kind, score, comment, context, url, locale, submitted_at)
       select $1, gen_random_uuid(), $2, 'nps', i % 11, 'Checkout comment ' || i || ' ' || repeat('é', 300),
              '{"url":"https://shop.example/checkout","locale":"en"}'::jsonb, 'https://shop.example/checkout',
              'en', timestamptz '2026-01-01T00:00:00Z' + i * interval '1 second'
       from generate_series(1, $3::int) as i`,
      [project.projectId, project.surveyIds.nps, rows],
    );
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = ctx.app.server.address() as AddressInfo;
    // node:http rather than fetch: a paused IncomingMessage stops reading the socket, where fetch
    // would keep buffering the body in this (measured) process.
    const download = (query: string, onChunk: (bytes: number, response: IncomingMessage) => void) =>
      new Promise<{ bytes: number; lines: number }>((resolve, reject) => {
        const request = get(
          `http://127.0.0.1:${port}/v1/responses/export?format=ndjson${query}`,
          { headers: { authorization: `Bearer ${project.secretKey}` } },
          (response) => {
            expect(response.statusCode).toBe(200);
            let bytes = 0;
            let lines = 0;
            response.on('data', (chunk: Buffer) => {
              bytes += chunk.byteLength;
              for (const byte of chunk) if (byte === 10) lines++;
              onChunk(bytes, response);
            });
            response.on('end', () => resolve({ bytes, lines }));
            response.on('error', reject);
          },
        );
        request.on('error', reject);
      });

    // A few pages first, so one-time allocations (the database driver's, the embedded
    // database's) are not counted as growth.
    await download('&to=2026-01-01T01:00:00Z', () => {});

    const before = liveMemory();
    let peak = before;
    const sample = () => {
      peak = Math.max(peak, liveMemory());
    };
    const sampler = setInterval(sample, 100);
    let paused = false;
    const { bytes, lines } = await download('', (received, response) => {
      // After 2 MiB the client stops reading for 3 s: the server must wait for it rather than
      // queue the rest of the export in memory.
      if (!paused && received >= 2 * mib) {
        paused = true;
        response.pause();
        setTimeout(() => {
          sample();
          response.resume();
        }, 3000);
      }
    });
    clearInterval(sampler);

    expect(lines).toBe(rows);
    // The export is far larger than the bound, so holding it would break the bound.
    expect(bytes).toBeGreaterThan(2 * bound);
    expect(peak - before).toBeLessThan(bound);
  }, 120_000);
});

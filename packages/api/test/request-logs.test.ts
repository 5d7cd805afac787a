/**
 * A quiet start: at the default log level (info) requests are not logged, so the start banner and
 * the setup link stay what a newcomer sees; at debug each request is one line; errors still log.
 */
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { type Database, openDatabase } from '../src/db/client.ts';

let database: Database;
beforeAll(async () => {
  database = await openDatabase({});
  await database.migrate();
}, 60_000);
afterAll(() => database?.close());
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function appLogging(level: 'info' | 'debug') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = await buildApp({ database, logger: { level, stream } });
  cleanups.push(() => app.close());
  return { app, lines };
}

describe('request logs', () => {
  it('are off at the default level: requests, even refused ones, print nothing', async () => {
    const { app, lines } = await appLogging('info');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBeLessThan(500);
    expect((await app.inject({ method: 'GET', url: '/v1/surveys' })).statusCode).toBe(401);
    expect(lines.filter((line) => 'req' in line || 'res' in line || line.msg === 'request')).toEqual([]);
  }, 60_000);

  it('are one line per request at debug, with method, path and status', async () => {
    const { app, lines } = await appLogging('debug');
    await app.inject({ method: 'GET', url: '/v1/surveys' });
    const requests = lines.filter((line) => line.msg === 'request');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'GET', url: '/v1/surveys', statusCode: 401 });
  }, 60_000);
});

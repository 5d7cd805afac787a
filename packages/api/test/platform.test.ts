import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';
import { DataDirLockedError } from '../src/db/lock.ts';
import { databaseTargets, useTestApp } from './helpers/app.ts';

describe.each(databaseTargets())('platform on $name', (target) => {
  const ctx = useTestApp(target);

  it('answers /healthz and /readyz', async () => {
    expect((await ctx.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await ctx.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: target.name });
  });

  it('puts x-request-id on every response, keeping a sane incoming one', async () => {
    const fresh = await ctx.app.inject({ url: '/healthz' });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await ctx.app.inject({ url: '/nowhere', headers: { 'x-request-id': 'edge-42' } });
    expect(kept.headers['x-request-id']).toBe('edge-42');
    expect(kept.json().requestId).toBe('edge-42');
    const replaced = await ctx.app.inject({ url: '/healthz', headers: { 'x-request-id': '<script>' } });
    expect(replaced.headers['x-request-id']).not.toBe('<script>');
  });

  it('answers unknown routes with a 404 problem', async () => {
    const reply = await ctx.app.inject({ url: '/v1/nothing' });
    expect(reply.statusCode).toBe(404);
    expect(reply.headers['content-type']).toContain('application/problem+json');
    expect(reply.json()).toMatchObject({
      type: 'urn:closeloop:problem:not_found',
      title: 'Not Found',
      status: 404,
      code: 'not_found',
    });
  });

  it('publishes an OpenAPI document generated from the schemas, and the docs UI', async () => {
    const reply = await ctx.app.inject({ url: '/openapi.json' });
    expect(reply.statusCode).toBe(200);
    const document = reply.json();
    expect(document.openapi).toBe('3.1.0');
    for (const route of [
      '/v1/responses',
      '/v1/events',
      '/v1/widget/config',
      '/v1/surveys',
      '/v1/surveys/{id}',
      '/v1/responses/{id}',
    ]) {
      expect(Object.keys(document.paths)).toContain(route);
    }
    const body = document.paths['/v1/responses'].post.requestBody.content['application/json'].schema;
    expect(body.properties.responses.maxItems).toBe(100);
    expect((await ctx.app.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('documents in /openapi.json how each route answers and who may call it', async () => {
    const document = (await ctx.app.inject({ url: '/openapi.json' })).json();
    const operations = Object.entries(
      document.paths as Record<
        string,
        Record<
          string,
          {
            security?: unknown;
            requestBody?: unknown;
            responses: Record<string, { content?: Record<string, unknown> }>;
          }
        >
      >,
    ).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    // the unsubscribe link of staff emails works without signing in (its token is the credential)
    const open =
      /^\/(healthz|readyz)$|^\/v1\/(auth|widget)\/|^\/v1\/(responses|events)$|^\/v1\/notifications\/unsubscribe$/;
    for (const { path, method, operation } of operations) {
      const name = `${method} ${path}`;
      if (!open.test(path) || (path === '/v1/responses' && method === 'get')) {
        // Every management route takes a secret key or a staff session.
        expect(operation.security, name).toEqual([{ secretKey: [] }, { session: [] }]);
      }
      // Any body may be over the size limit.
      if (operation.requestBody) expect(Object.keys(operation.responses), name).toContain('413');
      // Any route may fail or be refused while the server is overloaded.
      expect(Object.keys(operation.responses), name).toEqual(expect.arrayContaining(['500', '503']));
    }
    const exported = document.paths['/v1/responses/export'].get.responses['200'].content;
    expect(Object.keys(exported).sort()).toEqual(['application/x-ndjson', 'text/csv']);
    expect(Object.keys(document.paths['/v1/widget/config'].get.responses)).toContain('400');
    expect((await ctx.app.inject({ url: '/v1/widget/config?key=a&key=b' })).statusCode).toBe(400);
  });

  it('serves the demo landing page', async () => {
    const reply = await ctx.app.inject({ url: '/' });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toContain('Closeloop is running');
  });
});

describe('errors never leak internals', () => {
  it('turns a thrown error into a 500 problem without its message', async () => {
    const database = await openDatabase({});
    await database.migrate();
    const app = await buildApp({ database });
    app.get('/explode', async () => {
      throw new Error('password=hunter2 at db.internal:5432');
    });
    const reply = await app.inject({ url: '/explode' });
    expect(reply.statusCode).toBe(500);
    expect(reply.body).not.toContain('hunter2');
    expect(reply.json()).toMatchObject({ code: 'internal_error', status: 500 });
    expect(reply.json().requestId).toBe(reply.headers['x-request-id']);

    await database.close();
    const notReady = await app.inject({ url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json().code).toBe('unavailable');
    await app.close();
  });
});

describe('configuration', () => {
  it('has defaults and names every bad variable', () => {
    const config = loadConfig({}, '/srv');
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: '/srv/.closeloop/data',
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/DATABASE_URL/);
    }
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', CLOSELOOP_DATA_DIR: 'x' }, '/a').dataDir).toBe(
      '/a/x',
    );
  });
});

describe('embedded data directory', () => {
  it('has one writer: a second open stops with a clear message, and data persists', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-lock-'));
    const first = await openDatabase({ dataDir });
    await first.migrate();
    await first.query("insert into projects (name, public_key, appearance) values ('p', 'pk_x', '{}')");
    await expect(openDatabase({ dataDir })).rejects.toThrow(DataDirLockedError);
    await expect(openDatabase({ dataDir })).rejects.toThrow(/in use|already open/);
    await first.close();
    const second = await openDatabase({ dataDir });
    await second.migrate();
    expect(await second.query('select name from projects')).toEqual([{ name: 'p' }]);
    await second.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { type Database, openDatabase } from '../src/db/client.ts';

describe('static assets', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-static-'));
  const widgetDir = path.join(root, 'widget');
  const inboxDir = path.join(root, 'inbox');
  let database: Database;

  beforeAll(async () => {
    fs.mkdirSync(widgetDir);
    fs.writeFileSync(path.join(widgetDir, 'widget.js'), '(()=>{})();');
    fs.writeFileSync(path.join(widgetDir, 'widget.mjs'), 'export const init = () => {};');
    database = await openDatabase({});
    await database.migrate();
  });
  afterAll(async () => {
    await database.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('serves widget.js cross-origin with caching, and a 404 problem when a bundle is missing', async () => {
    const app = await buildApp({ database, widgetDir, inboxDir });
    const reply = await app.inject({ url: '/widget.js' });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toMatch(/javascript/);
    expect(reply.headers['cache-control']).toContain('max-age=300');
    expect(reply.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(reply.headers.etag).toBeTruthy();
    expect(reply.body).toBe('(()=>{})();');
    // The ES module is imported cross-origin by single-page apps: a CORS request.
    const esm = await app.inject({ url: '/widget.mjs', headers: { origin: 'https://app.example' } });
    expect(esm.statusCode).toBe(200);
    expect(esm.headers['access-control-allow-origin']).toBe('*');
    fs.renameSync(path.join(widgetDir, 'widget.mjs'), path.join(widgetDir, 'widget.mjs.off'));
    const missing = await app.inject({ url: '/widget.mjs' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toMatch(/pnpm build/);
    const inbox = await app.inject({ url: '/inbox/' });
    expect(inbox.statusCode).toBe(404);
    expect(inbox.json().detail).toMatch(/inbox is not built/);
    await app.close();
  });

  it('serves the survey UI files by their hashed names, cached for good, and nothing else by that route', async () => {
    for (const file of ['widget-ui.0123456789.js', 'widget-ui.0123456789.mjs'])
      fs.writeFileSync(path.join(widgetDir, file), `/* ${file} */`);
    fs.writeFileSync(path.join(root, 'secret.js'), 'secret');
    const app = await buildApp({ database, widgetDir, inboxDir });
    try {
      for (const file of ['widget-ui.0123456789.js', 'widget-ui.0123456789.mjs']) {
        const reply = await app.inject({ url: `/${file}`, headers: { origin: 'https://shop.example' } });
        expect(reply.statusCode).toBe(200);
        expect(reply.body).toBe(`/* ${file} */`);
        expect(reply.headers['content-type']).toMatch(/javascript/);
        expect(reply.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(reply.headers['access-control-allow-origin']).toBe('*');
        expect(reply.headers['cross-origin-resource-policy']).toBe('cross-origin');
      }
      // an older build's file that is gone, and names of any other shape
      for (const url of [
        '/widget-ui.abcdef0123.js',
        '/widget-ui.0123456789.css',
        '/widget-ui.012345678.js',
        '/widget-ui.%2e%2e%2fsecret.js',
        '/widget-ui.0123456789.js.br',
      ]) {
        const reply = await app.inject({ url });
        expect(reply.statusCode, url).toBe(404);
        expect(reply.headers['content-type'], url).toMatch(/problem\+json/);
      }
    } finally {
      await app.close();
    }
  });

  it('sends the pre-compressed bundle the browser accepts, with its own ETag and the same headers', async () => {
    const code = `(()=>{${'console.log("closeloop");'.repeat(200)}})();`;
    const file = path.join(widgetDir, 'widget.js');
    fs.writeFileSync(file, code);
    fs.writeFileSync(`${file}.gz`, gzipSync(code));
    fs.writeFileSync(`${file}.br`, brotliCompressSync(code));
    const app = await buildApp({ database, widgetDir, inboxDir });
    try {
      const get = (headers: Record<string, string>) => app.inject({ url: '/widget.js', headers });
      const headersOf = (reply: Awaited<ReturnType<typeof get>>) => ({
        type: reply.headers['content-type'],
        cache: reply.headers['cache-control'],
        corp: reply.headers['cross-origin-resource-policy'],
        cors: reply.headers['access-control-allow-origin'],
      });

      const brotli = await get({ 'accept-encoding': 'gzip, deflate, br, zstd' });
      expect(brotli.statusCode).toBe(200);
      expect(brotli.headers['content-encoding']).toBe('br');
      expect(brotli.headers.vary).toMatch(/accept-encoding/i);
      expect(Number(brotli.headers['content-length'])).toBeLessThan(code.length / 4);
      expect(brotliDecompressSync(brotli.rawPayload).toString()).toBe(code);

      const gzip = await get({ 'accept-encoding': 'gzip' });
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(gzip.headers.vary).toMatch(/accept-encoding/i);
      expect(gunzipSync(gzip.rawPayload).toString()).toBe(code);

      const plain = await get({});
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers.vary).toMatch(/accept-encoding/i);
      expect(plain.body).toBe(code);

      for (const reply of [brotli, gzip]) {
        expect(headersOf(reply)).toEqual(headersOf(plain));
        expect(headersOf(reply).type).toMatch(/javascript/);
        expect(headersOf(reply).cache).toContain('max-age=300');
        expect(headersOf(reply).corp).toBe('cross-origin');
        expect(reply.headers.etag).toBeTruthy();
      }
      // one ETag per representation, so a cache never answers 304 for the wrong encoding
      expect(new Set([brotli.headers.etag, gzip.headers.etag, plain.headers.etag]).size).toBe(3);
      const revalidated = await get({
        'accept-encoding': 'br',
        'if-none-match': String(brotli.headers.etag),
      });
      expect(revalidated.statusCode).toBe(304);
      expect(revalidated.body).toBe('');
    } finally {
      await app.close();
    }
  });

  it('serves the inbox when it is built', async () => {
    fs.mkdirSync(inboxDir, { recursive: true });
    fs.writeFileSync(path.join(inboxDir, 'index.html'), '<!doctype html><title>Inbox</title>');
    const app = await buildApp({ database, widgetDir, inboxDir });
    const reply = await app.inject({ url: '/inbox/' });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toContain('<title>Inbox</title>');
    expect(reply.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await app.inject({ url: '/inbox' })).statusCode).toBe(302);
    await app.close();
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

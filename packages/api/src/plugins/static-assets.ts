import fs from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export interface StaticAssetsOptions {
  /** Built widget bundles (widget.js, widget.mjs). */
  widgetDir: string;
  /** Built inbox single-page app. */
  inboxDir: string;
}

/** Serves the widget bundles at /widget.js and /widget.mjs, and the inbox at /inbox/. */
export async function staticAssets(app: FastifyInstance, options: StaticAssetsOptions) {
  for (const file of ['widget.js', 'widget.mjs']) {
    const filePath = `${options.widgetDir}/${file}`;
    app.get(`/${file}`, { schema: { hide: true } }, async (request, reply) => {
      if (!fs.existsSync(filePath)) {
        request.log.warn(`${filePath} is missing; run "pnpm build"`);
        return reply.callNotFound();
      }
      // Not versioned by URL, so cached briefly; the ETag makes revalidation cheap.
      return reply
        .header('cache-control', 'public, max-age=300, stale-while-revalidate=86400')
        .sendFile(file, options.widgetDir);
    });
  }
  if (!fs.existsSync(options.inboxDir)) {
    app.log.warn(`${options.inboxDir} is missing; run "pnpm build" to serve the inbox`);
    return;
  }
  await app.register(fastifyStatic, {
    root: options.inboxDir,
    prefix: '/inbox/',
    decorateReply: true,
    wildcard: true,
    index: ['index.html'],
    schemaHide: true,
    setHeaders: (reply) => void reply.header('cache-control', 'no-cache'),
  });
  app.get('/inbox', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/inbox/'));
}

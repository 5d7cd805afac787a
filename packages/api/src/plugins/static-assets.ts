import fs from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { Errors } from '../errors.ts';

export interface StaticAssetsOptions {
  /** Built widget bundles (widget.js, widget.mjs). */
  widgetDir: string;
  /** Built inbox single-page app. */
  inboxDir: string;
}

const notBuilt = (what: string) => new Errors.NotFound(`The ${what} is not built; run "pnpm build"`);

/** Serves the widget bundles at /widget.js and /widget.mjs, and the inbox at /inbox/. */
export async function staticAssets(app: FastifyInstance, options: StaticAssetsOptions) {
  // Decorates reply.sendFile (with ETag and Last-Modified) without serving a folder of its own.
  // preCompressed: the widget build writes widget.js.br and widget.js.gz beside each bundle; they
  // are sent to browsers that accept them (Content-Encoding, Vary: Accept-Encoding, an ETag of
  // their own), and the plain file to the others.
  await app.register(fastifyStatic, { root: options.widgetDir, serve: false, preCompressed: true });
  for (const file of ['widget.js', 'widget.mjs']) {
    app.get(`/${file}`, { schema: { hide: true } }, async (_request, reply) => {
      if (!fs.existsSync(`${options.widgetDir}/${file}`)) throw notBuilt('widget');
      // Not versioned by URL, so cached briefly; the ETag makes revalidation cheap.
      return (
        reply
          .header('cache-control', 'public, max-age=300, stale-while-revalidate=86400')
          // An ES module imported from another origin is a CORS request; the bundle is public.
          .header('access-control-allow-origin', '*')
          .sendFile(file, options.widgetDir, { cacheControl: false })
      );
    });
  }

  app.get('/inbox', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/inbox/'));
  if (!fs.existsSync(options.inboxDir)) {
    app.log.warn(`${options.inboxDir} is missing; run "pnpm build" to serve the inbox`);
    app.get('/inbox/*', { schema: { hide: true } }, async () => {
      throw notBuilt('inbox');
    });
    return;
  }
  // The one-time setup link the start command prints (/inbox/setup?token=…) opens the app itself.
  app.get('/inbox/setup', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .header('cache-control', 'no-store')
      .sendFile('index.html', options.inboxDir, { cacheControl: false }),
  );
  await app.register(fastifyStatic, {
    root: options.inboxDir,
    prefix: '/inbox/',
    decorateReply: false,
    index: ['index.html'],
    schemaHide: true,
    setHeaders: (reply) => void reply.header('cache-control', 'no-cache'),
  });
}

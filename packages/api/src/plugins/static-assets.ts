import fs from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Errors } from '../errors.ts';

export interface StaticAssetsOptions {
  /** Built widget (widget.js, widget.mjs and their survey UI files widget-ui.<hash>.js|mjs). */
  widgetDir: string;
  /** Built inbox single-page app. */
  inboxDir: string;
}

const notBuilt = (what: string) => new Errors.NotFound(`The ${what} is not built; run "pnpm build"`);

/**
 * Serves the widget's cores at /widget.js and /widget.mjs (cached briefly), their survey UI files
 * at /widget-ui.<hash>.js|mjs (cached for good: the name changes with the content), and the inbox
 * at /inbox/.
 */
export async function staticAssets(app: FastifyInstance, options: StaticAssetsOptions) {
  // Decorates reply.sendFile (with ETag and Last-Modified) without serving a folder of its own.
  // preCompressed: the widget build writes widget.js.br and widget.js.gz beside each bundle; they
  // are sent to browsers that accept them (Content-Encoding, Vary: Accept-Encoding, an ETag of
  // their own), and the plain file to the others.
  await app.register(fastifyStatic, { root: options.widgetDir, serve: false, preCompressed: true });
  const sendWidgetFile = (reply: FastifyReply, file: string, cacheControl: string) => {
    if (!fs.existsSync(`${options.widgetDir}/${file}`)) throw notBuilt('widget');
    return (
      reply
        .header('cache-control', cacheControl)
        // An ES module imported from another origin is a CORS request; the files are public.
        .header('access-control-allow-origin', '*')
        .sendFile(file, options.widgetDir, { cacheControl: false })
    );
  };
  for (const file of ['widget.js', 'widget.mjs']) {
    // Not versioned by URL, so cached briefly; the ETag makes revalidation cheap.
    app.get(`/${file}`, { schema: { hide: true } }, async (_request, reply) =>
      sendWidgetFile(reply, file, 'public, max-age=300, stale-while-revalidate=86400'),
    );
  }
  // The survey UI, loaded by the core only when a survey shows. Its name carries a hash of its
  // content, so a cached copy is never stale. Only names of that shape reach the file system.
  for (const extension of ['js', 'mjs']) {
    app.get(
      `/widget-ui.:hash(^[0-9a-f]{10}$).${extension}`,
      { schema: { hide: true } },
      async (request, reply) =>
        sendWidgetFile(
          reply,
          `widget-ui.${(request.params as { hash: string }).hash}.${extension}`,
          'public, max-age=31536000, immutable',
        ),
    );
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

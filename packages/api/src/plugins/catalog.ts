import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { catalogOf } from '../services/catalog.ts';

const readOnly = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * After a management request that may have changed its project (any method but GET, HEAD and
 * OPTIONS), this process forgets what it cached of that project before the answer leaves, so the
 * caller's next widget request sees the change even before the NOTIFY of the commit arrives.
 * Other processes learn of it by the NOTIFY (services/catalog.ts).
 */
export const catalogPlugin = fp(
  async (app: FastifyInstance) => {
    const catalog = catalogOf(app.db);
    app.addHook('onSend', async (request) => {
      if (request.auth && !readOnly.has(request.method)) catalog.forgetProject(request.auth.projectId);
    });
  },
  { name: 'closeloop-catalog', dependencies: ['closeloop-database', 'closeloop-auth'] },
);

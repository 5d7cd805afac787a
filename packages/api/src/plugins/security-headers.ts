import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';

/**
 * Helmet's security headers, with a CSP, on every response. The middleware is built once: the
 * Fastify wrapper (@fastify/helmet) builds it anew for every request, which was 3 % of the CPU of
 * an ingestion request in the profile, for route-level options we do not use.
 */
export const securityHeadersPlugin = fp(
  async (app: FastifyInstance) => {
    const setHeaders = helmet({
      // The widget script and its endpoints are loaded by other sites.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      // Self-hosted over plain http on a LAN must keep working.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    });
    app.addHook('onRequest', (request, reply, done) => {
      setHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
    });
  },
  { name: 'closeloop-security-headers' },
);

import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** Helmet's security headers, with a CSP, on every response. */
export const securityHeadersPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(fastifyHelmet, {
      // The widget script and its endpoints are loaded by other sites.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      // Self-hosted over plain http on a LAN must keep working.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    });
  },
  { name: 'closeloop-security-headers' },
);

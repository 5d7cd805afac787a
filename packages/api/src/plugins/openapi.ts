import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { documentProblems } from '../openapi.ts';

/**
 * `/openapi.json`, generated from the routes' zod schemas (so it cannot drift from the code), and
 * the `/docs` reference. Registered before the routes, so it sees every one of them.
 */
export const openApiPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Closeloop API',
          version: '1.0.0',
          description:
            'Collect CSAT, NPS and CES responses and follow them up. Errors are RFC 9457 problem+json; ' +
            'every response carries x-request-id.',
        },
        components: {
          securitySchemes: {
            secretKey: {
              type: 'http',
              scheme: 'bearer',
              description: 'A secret key (sk_…); acts as an admin',
            },
            session: {
              type: 'apiKey',
              in: 'cookie',
              name: 'closeloop_session',
              description: 'A staff session (POST /v1/auth/login); changes also need the x-csrf-token header',
            },
          },
        },
      },
      transform: jsonSchemaTransform,
      transformObject: documentProblems,
    });
    await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'closeloop-openapi' },
);

import type { FastifyInstance, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import { Errors } from '../errors.ts';
import { catalogOf } from '../services/catalog.ts';
import { isOriginAllowed } from '../services/origins.ts';
import type { ProjectRow } from '../services/projects.ts';

/**
 * Resolves the project of a public key and enforces its allowed origins. Runs before anything is
 * read or written, so a refused request changes nothing.
 */
export async function projectForPublicKey(
  app: FastifyInstance,
  request: FastifyRequest,
  key: string | undefined,
): Promise<ProjectRow> {
  if (!key) throw new Errors.MissingKey('Send the project public key (pk_…) as "key"');
  if (!key.startsWith('pk_')) throw new Errors.InvalidKey('The key is not a public key (pk_…)');
  const project = await catalogOf(app.db).projectByPublicKey(key);
  if (!project) throw new Errors.InvalidKey('The public key is not valid');
  const origin = request.headers.origin;
  if (!isOriginAllowed(project.allowedOrigins, origin)) throw new Errors.OriginNotAllowed(origin);
  return project;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The project of the public key in the body of a widget POST (set by `publicKeyInBody`). */
    widgetProject?: ProjectRow;
  }
}

/**
 * preValidation hook of the widget's POST routes: the body's `key` is checked before the rest of
 * the body, so a request without a valid public key (or from a refused origin) gets 401 or 403
 * and learns nothing from validation. A body that is not a JSON object is left to validation.
 */
export function publicKeyInBody(app: FastifyInstance): preValidationAsyncHookHandler {
  return async (request) => {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return;
    const key = (body as { key?: unknown }).key;
    request.widgetProject = await projectForPublicKey(
      app,
      request,
      typeof key === 'string' ? key : undefined,
    );
  };
}

/** How many items a widget batch carries in `field` (what its rate limit counts); 1 if none. */
export const itemsIn =
  (field: 'responses' | 'events') =>
  (body: unknown): number => {
    const items =
      body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
    return Array.isArray(items) ? items.length : 1;
  };

/**
 * preValidation of the widget's batch routes: the rate limit, which counts the batch's items (a
 * batch of 100 takes 100 turns), then the public key.
 */
export const widgetBatchChecks = (app: FastifyInstance, field: 'responses' | 'events') => [
  app.rateLimits.limit({
    name: field,
    max: app.config.ingestRateLimit,
    timeWindow: 60_000,
    weigh: itemsIn(field),
  }),
  publicKeyInBody(app),
];

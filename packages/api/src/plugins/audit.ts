import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { auditActorOf, recordAudit } from '../services/audit.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The audit action of a management route (`key.revoked`), or false when the route records
     * its own entries (or its changes are kept elsewhere). Default: derived from method and path.
     */
    audit?: string | false;
  }
}

const verbs: Record<string, string> = {
  POST: 'created',
  PUT: 'updated',
  PATCH: 'updated',
  DELETE: 'deleted',
};

/** Actions whose derived name would say less than this. */
const namedActions: Record<string, string | false> = {
  'DELETE /v1/keys/:id': 'key.revoked',
  'DELETE /v1/users/:id': 'user.deactivated',
  'GET /v1/responses/export': 'responses.exported',
  // Follow-up work on responses is kept as each response's activity.
  'PATCH /v1/responses/:id': false,
  'POST /v1/responses/bulk': false,
  'POST /v1/responses/:id/notes': false,
  'POST /v1/responses/:id/replies': false,
};

/** Values safe to keep in the log when a request sets them (never names, emails or text). */
const keptValues = ['role', 'status', 'enabled', 'active', 'retentionDays', 'kind', 'format'];

const singular = (segment: string) => segment.replace(/ies$/, 'y').replace(/s$/, '');

/** The action a route records: `namedActions`, the route's own `config.audit`, or derived. */
export function auditActionOf(method: string, url: string, configured?: string | false): string | false {
  if (configured !== undefined) return configured;
  const named = namedActions[`${method} ${url}`];
  if (named !== undefined) return named;
  const verb = verbs[method];
  if (!verb) return false;
  const segments = url
    .split('/')
    .slice(2)
    .filter((segment) => segment && !segment.startsWith(':'))
    .map(singular);
  return `${segments.join('.')}.${verb}`;
}

function detailOf(request: FastifyRequest): Record<string, unknown> {
  const detail: Record<string, unknown> = { requestId: request.id };
  const given = { ...(request.query as object), ...(request.body as object) } as Record<string, unknown>;
  if (given && typeof given === 'object') {
    const fields = Object.keys(given);
    if (fields.length > 0) detail.fields = fields;
    for (const name of keptValues) {
      const value = given[name];
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
        if (name in given) detail[name] = value;
      }
    }
  }
  return detail;
}

function createdId(payload: unknown): string | null {
  if (typeof payload !== 'string') return null;
  try {
    const body = JSON.parse(payload) as { id?: unknown };
    return typeof body?.id === 'string' ? body.id : null;
  } catch {
    return null;
  }
}

/**
 * Writes an audit entry for every successful change made through the management API (and for
 * exports) before the answer leaves, so a change the caller saw succeed is in the log. Routes that
 * record their own entries (erasure, with its counts) say `config.audit: false`.
 */
export const auditPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode >= 400 || !request.auth) return payload;
      const url = request.routeOptions.url;
      if (!url) return payload;
      const action = auditActionOf(request.method, url, request.routeOptions.config?.audit);
      if (!action) return payload;
      const params = (request.params ?? {}) as Record<string, unknown>;
      const id = typeof params.id === 'string' ? params.id : createdId(payload);
      try {
        await recordAudit(app.db, {
          projectId: request.auth.projectId,
          actor: auditActorOf(request.auth),
          action,
          target: { type: action.slice(0, action.lastIndexOf('.')), id },
          detail: detailOf(request),
        });
      } catch (error) {
        // The change is made; refusing the answer now would hide that. The log says what is missing.
        request.log.error({ err: error, action }, 'could not write the audit entry');
      }
      return payload;
    });
  },
  { name: 'closeloop-audit', dependencies: ['closeloop-database'] },
);

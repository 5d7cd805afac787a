import type { StaffRole } from '@closeloop/shared';
import type { FastifyInstance } from 'fastify';
import { Errors } from '../errors.ts';
import { auditPlugin } from '../plugins/audit.ts';
import { auditRoutes } from './audit/index.ts';
import { sessionRoute } from './auth/index.ts';
import { bulkFollowUpRoute } from './follow-up/bulk.ts';
import { followUpRoutes } from './follow-up/index.ts';
import { followUpRuleRoutes } from './follow-up-rules/index.ts';
import { inboxEventsRoute } from './inbox/events.ts';
import { keyRoutes } from './keys/index.ts';
import { metricsRoutes } from './metrics/index.ts';
import { notificationRoutes } from './notifications/index.ts';
import { projectRoutes } from './project/index.ts';
import { eraseRespondentRoutes } from './respondents/erase.ts';
import { exportRespondentRoutes } from './respondents/export.ts';
import { exportResponsesRoute } from './responses/export.ts';
import { quarantineRoutes } from './responses/quarantine.ts';
import { readResponsesRoutes } from './responses/read.ts';
import { surveyRoutes } from './surveys/index.ts';
import { userRoutes } from './users/index.ts';
import { webhookRoutes } from './webhooks/index.ts';

/** A management route as registered: what the authorization tests check each one against. */
export interface ManagementRouteInfo {
  method: string;
  url: string;
  /** The route's declared `config.access`, if any (else viewer to read, admin to change). */
  access: StaffRole | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every management route, in registration order (HEAD twins of GET routes left out). */
    managementRouteList: ManagementRouteInfo[];
  }
}

/**
 * The management API (secret key or staff session). Credentials and the route's role
 * (`config.access`) are checked in onRequest, before the body is parsed. A new route is
 * registered here and needs its cases in test/helpers (route-coverage.test.ts says which).
 */
export async function managementRoutes(management: FastifyInstance) {
  management.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      management.managementRouteList.push({ method, url: route.url, access: route.config?.access });
    }
  });
  // While the database cannot be reached: 503 with Retry-After at once, never a hanging request.
  management.addHook('onRequest', management.databaseHealth.guard);
  management.addHook('onRequest', management.authenticate);
  // Project data, answered or refused, is never kept by a browser or a shared cache.
  management.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
  // Every successful change (and export) is written to the audit log before its answer leaves.
  await management.register(auditPlugin);
  // Management bodies are application/json only, as documented; text/plain is for the widget's
  // preflight-free sends, and a cross-site page could send it without asking.
  management.addHook('preValidation', async (request) => {
    if (request.body !== undefined && /^text\/plain\b/i.test(request.headers['content-type'] ?? '')) {
      throw new Errors.JsonRequired();
    }
  });
  await management.register(surveyRoutes);
  await management.register(readResponsesRoutes);
  await management.register(exportResponsesRoute);
  await management.register(metricsRoutes);
  await management.register(sessionRoute);
  await management.register(followUpRoutes);
  await management.register(bulkFollowUpRoute);
  await management.register(inboxEventsRoute);
  await management.register(followUpRuleRoutes);
  await management.register(userRoutes);
  await management.register(keyRoutes);
  await management.register(projectRoutes);
  await management.register(webhookRoutes);
  await management.register(notificationRoutes);
  await management.register(exportRespondentRoutes);
  await management.register(eraseRespondentRoutes);
  await management.register(auditRoutes);
  await management.register(quarantineRoutes);
}

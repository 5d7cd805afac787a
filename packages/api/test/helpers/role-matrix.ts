import type { StaffRole } from '@closeloop/shared';
import type { InjectOptions } from 'fastify';
import { issueSecretKey } from '../../src/services/secret-keys.ts';
import { createStaffUser } from '../../src/services/staff.ts';
import { aResponse, type TestContext, type TestProject } from './app.ts';
import { password, uniqueEmail } from './staff.ts';

/** What a route case needs: the project, and a fresh response with a respondent email. */
export interface Fixture {
  ctx: TestContext;
  project: TestProject;
  /** A stored NPS 3 (so its follow-up is open), respondent with an email. */
  responseId: string;
}

export interface RoleCase {
  name: string;
  /** The least role that may use the route. */
  least: StaffRole;
  /** Builds the request (may create what it changes, so every role gets a fresh target). */
  request: (fixture: Fixture) => Promise<InjectOptions> | InjectOptions;
  /** Only a staff session may use it: a secret key is refused (403). */
  sessionOnly?: boolean;
}

/** Stores a detractor response (its follow-up opens) and returns its id. */
export async function storeResponse(ctx: TestContext, project: TestProject, overrides = {}) {
  const item = aResponse(project.surveyIds.nps, {
    score: 3,
    comment: 'Slow checkout',
    respondent: { externalId: `r-${crypto.randomUUID()}`, email: 'customer@shop.example' },
    ...overrides,
  });
  const reply = await ctx.app.inject({
    method: 'POST',
    url: '/v1/responses',
    payload: { key: project.publicKey, responses: [item] },
  });
  if (reply.statusCode !== 202) throw new Error(reply.body);
  return item.id;
}

const newUserId = async ({ ctx, project }: Fixture, role: StaffRole = 'agent') =>
  (
    await createStaffUser(ctx.database.db, project.projectId, {
      email: uniqueEmail(role),
      name: role,
      role,
      password,
    })
  ).id;

/**
 * Every management route with the least role it needs. Secret keys act as admins. A new
 * management route is added here once and the matrix checks it for every role.
 */
/**
 * Routes whose roles are checked elsewhere: GET /v1/inbox/events (least: viewer) streams until the
 * client leaves, which inject cannot do, so inbox-events.test.ts checks every role and secret keys
 * over a real socket.
 */
export const roleCheckedElsewhere = new Set(['GET /v1/inbox/events']);

export const roleCases: RoleCase[] = [
  // Surveys
  { name: 'GET /v1/surveys', least: 'viewer', request: () => ({ method: 'GET', url: '/v1/surveys' }) },
  {
    name: 'POST /v1/surveys',
    least: 'admin',
    request: () => ({
      method: 'POST',
      url: '/v1/surveys',
      payload: { name: 'New', kind: 'nps', texts: { en: { question: 'Q?' } } },
    }),
  },
  {
    name: 'GET /v1/surveys/:id',
    least: 'viewer',
    request: ({ project }) => ({ method: 'GET', url: `/v1/surveys/${project.surveyIds.nps}` }),
  },
  {
    name: 'PATCH /v1/surveys/:id',
    least: 'admin',
    request: ({ project }) => ({
      method: 'PATCH',
      url: `/v1/surveys/${project.surveyIds.nps}`,
      payload: { status: 'paused' },
    }),
  },
  {
    name: 'DELETE /v1/surveys/:id',
    least: 'admin',
    request: async ({ ctx, project }) => {
      const created = await ctx.asKey(project.secretKey, {
        method: 'POST',
        url: '/v1/surveys',
        payload: { name: 'Doomed', kind: 'csat', texts: { en: { question: 'Q?' } } },
      });
      return { method: 'DELETE', url: `/v1/surveys/${created.json().id}` };
    },
  },
  // Responses
  { name: 'GET /v1/responses', least: 'viewer', request: () => ({ method: 'GET', url: '/v1/responses' }) },
  {
    name: 'GET /v1/responses/:id',
    least: 'viewer',
    request: ({ responseId }) => ({ method: 'GET', url: `/v1/responses/${responseId}` }),
  },
  {
    name: 'GET /v1/responses/export',
    least: 'viewer',
    request: () => ({ method: 'GET', url: '/v1/responses/export?format=ndjson' }),
  },
  {
    name: 'GET /v1/metrics',
    least: 'viewer',
    request: ({ project }) => ({ method: 'GET', url: `/v1/metrics?surveyId=${project.surveyIds.nps}` }),
  },
  {
    name: 'GET /v1/metrics/segments',
    least: 'viewer',
    request: ({ project }) => ({
      method: 'GET',
      url: `/v1/metrics/segments?surveyId=${project.surveyIds.nps}&by=page`,
    }),
  },
  {
    name: 'GET /v1/notifications',
    least: 'viewer',
    request: () => ({ method: 'GET', url: '/v1/notifications' }),
  },
  {
    name: 'PATCH /v1/notifications',
    least: 'viewer',
    request: () => ({ method: 'PATCH', url: '/v1/notifications', payload: { assigned: false } }),
  },
  {
    name: 'GET /v1/auth/session',
    least: 'viewer',
    sessionOnly: true,
    request: () => ({ method: 'GET', url: '/v1/auth/session' }),
  },
  {
    name: 'PATCH /v1/responses/:id',
    least: 'agent',
    request: ({ responseId }) => ({
      method: 'PATCH',
      url: `/v1/responses/${responseId}`,
      payload: { status: 'resolved' },
    }),
  },
  {
    name: 'GET /v1/responses/:id/notes',
    least: 'viewer',
    request: ({ responseId }) => ({ method: 'GET', url: `/v1/responses/${responseId}/notes` }),
  },
  {
    name: 'POST /v1/responses/:id/notes',
    least: 'agent',
    request: ({ responseId }) => ({
      method: 'POST',
      url: `/v1/responses/${responseId}/notes`,
      payload: { body: 'Called them' },
    }),
  },
  {
    name: 'GET /v1/responses/:id/activity',
    least: 'viewer',
    request: ({ responseId }) => ({ method: 'GET', url: `/v1/responses/${responseId}/activity` }),
  },
  {
    name: 'GET /v1/responses/:id/history',
    least: 'viewer',
    request: ({ responseId }) => ({ method: 'GET', url: `/v1/responses/${responseId}/history` }),
  },
  {
    // Without SMTP configured an allowed caller gets 422; a refused one 403 before that.
    name: 'POST /v1/responses/:id/replies',
    least: 'agent',
    request: ({ responseId }) => ({
      method: 'POST',
      url: `/v1/responses/${responseId}/replies`,
      payload: { body: 'Sorry!' },
    }),
  },
  {
    name: 'GET /v1/inbox/counts',
    least: 'viewer',
    request: () => ({ method: 'GET', url: '/v1/inbox/counts' }),
  },
  {
    name: 'POST /v1/responses/bulk',
    least: 'agent',
    request: ({ responseId }) => ({
      method: 'POST',
      url: '/v1/responses/bulk',
      payload: { ids: [responseId], status: 'in_progress' },
    }),
  },
  // Rules
  {
    name: 'GET /v1/follow-up-rules',
    least: 'viewer',
    request: () => ({ method: 'GET', url: '/v1/follow-up-rules' }),
  },
  {
    name: 'POST /v1/follow-up-rules',
    least: 'admin',
    request: () => ({
      method: 'POST',
      url: '/v1/follow-up-rules',
      payload: { name: 'Tag', conditions: {}, effects: { open: false, addTags: ['x'] } },
    }),
  },
  {
    name: 'PATCH /v1/follow-up-rules/:id',
    least: 'admin',
    request: async ({ ctx, project }) => {
      const rules = await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/follow-up-rules' });
      return {
        method: 'PATCH',
        url: `/v1/follow-up-rules/${rules.json().data[0].id}`,
        payload: { enabled: false },
      };
    },
  },
  {
    name: 'DELETE /v1/follow-up-rules/:id',
    least: 'admin',
    request: async ({ ctx, project }) => {
      const created = await ctx.asKey(project.secretKey, {
        method: 'POST',
        url: '/v1/follow-up-rules',
        payload: { name: 'Doomed', conditions: {}, effects: {} },
      });
      return { method: 'DELETE', url: `/v1/follow-up-rules/${created.json().id}` };
    },
  },
  // Staff users
  { name: 'GET /v1/users', least: 'viewer', request: () => ({ method: 'GET', url: '/v1/users' }) },
  {
    name: 'POST /v1/users',
    least: 'admin',
    request: () => ({
      method: 'POST',
      url: '/v1/users',
      payload: { email: uniqueEmail('new'), name: 'New', role: 'agent', password },
    }),
  },
  {
    name: 'PATCH /v1/users/:id (another user)',
    least: 'admin',
    request: async (fixture) => ({
      method: 'PATCH',
      url: `/v1/users/${await newUserId(fixture)}`,
      payload: { role: 'viewer' },
    }),
  },
  {
    name: 'PATCH /v1/users/:id (deactivate)',
    least: 'admin',
    request: async (fixture) => ({
      method: 'PATCH',
      url: `/v1/users/${await newUserId(fixture)}`,
      payload: { active: false },
    }),
  },
  {
    name: 'PATCH /v1/users/:id (reactivate)',
    least: 'admin',
    request: async (fixture) => {
      const id = await newUserId(fixture);
      await fixture.ctx.asKey(fixture.project.secretKey, { method: 'DELETE', url: `/v1/users/${id}` });
      return { method: 'PATCH', url: `/v1/users/${id}`, payload: { active: true } };
    },
  },
  {
    name: 'DELETE /v1/users/:id',
    least: 'admin',
    request: async (fixture) => ({ method: 'DELETE', url: `/v1/users/${await newUserId(fixture)}` }),
  },
  // Keys and project
  { name: 'GET /v1/keys', least: 'admin', request: () => ({ method: 'GET', url: '/v1/keys' }) },
  {
    name: 'POST /v1/keys',
    least: 'admin',
    sessionOnly: true,
    request: () => ({ method: 'POST', url: '/v1/keys', payload: { name: 'CI' } }),
  },
  {
    name: 'DELETE /v1/keys/:id',
    least: 'admin',
    sessionOnly: true,
    request: async ({ ctx, project }) => {
      const created = await issueSecretKey(ctx.database.db, project.projectId, 'x');
      return { method: 'DELETE', url: `/v1/keys/${created.id}` };
    },
  },
  { name: 'GET /v1/project', least: 'viewer', request: () => ({ method: 'GET', url: '/v1/project' }) },
  {
    name: 'PATCH /v1/project',
    least: 'admin',
    request: () => ({
      method: 'PATCH',
      url: '/v1/project',
      payload: { allowedOrigins: ['https://shop.example'] },
    }),
  },
  // Webhooks (admin only: their URLs and secrets are credentials)
  { name: 'GET /v1/webhooks', least: 'admin', request: () => ({ method: 'GET', url: '/v1/webhooks' }) },
  {
    name: 'POST /v1/webhooks',
    least: 'admin',
    request: () => ({ method: 'POST', url: '/v1/webhooks', payload: aWebhook }),
  },
  {
    name: 'GET /v1/webhooks/:id',
    least: 'admin',
    request: async (fixture) => ({ method: 'GET', url: `/v1/webhooks/${await newWebhookId(fixture)}` }),
  },
  {
    name: 'PATCH /v1/webhooks/:id',
    least: 'admin',
    request: async (fixture) => ({
      method: 'PATCH',
      url: `/v1/webhooks/${await newWebhookId(fixture)}`,
      payload: { description: 'x' },
    }),
  },
  {
    name: 'DELETE /v1/webhooks/:id',
    least: 'admin',
    request: async (fixture) => ({ method: 'DELETE', url: `/v1/webhooks/${await newWebhookId(fixture)}` }),
  },
  {
    name: 'POST /v1/webhooks/:id/rotate-secret',
    least: 'admin',
    request: async (fixture) => ({
      method: 'POST',
      url: `/v1/webhooks/${await newWebhookId(fixture)}/rotate-secret`,
    }),
  },
  {
    name: 'GET /v1/webhooks/:id/deliveries',
    least: 'admin',
    request: async (fixture) => ({
      method: 'GET',
      url: `/v1/webhooks/${await newWebhookId(fixture)}/deliveries`,
    }),
  },
  {
    name: 'POST /v1/webhooks/:id/test',
    least: 'admin',
    request: async (fixture) => ({ method: 'POST', url: `/v1/webhooks/${await newWebhookId(fixture)}/test` }),
  },
  {
    name: 'POST /v1/webhooks/:id/deliveries/:messageId/retry',
    least: 'admin',
    request: async (fixture) => {
      const id = await newWebhookId(fixture);
      const test = await fixture.ctx.asKey(fixture.project.secretKey, {
        method: 'POST',
        url: `/v1/webhooks/${id}/test`,
      });
      return { method: 'POST', url: `/v1/webhooks/${id}/deliveries/${test.json().id}/retry` };
    },
  },
  {
    name: 'POST /v1/project/identity-secret',
    least: 'admin',
    request: () => ({ method: 'POST', url: '/v1/project/identity-secret' }),
  },
  // Privacy: respondent export and erasure, the audit log
  ...respondentCases(),
  { name: 'GET /v1/audit', least: 'admin', request: () => ({ method: 'GET', url: '/v1/audit' }) },
  // Quarantine
  {
    name: 'POST /v1/responses/quarantine/accept',
    least: 'agent',
    request: ({ responseId }) => ({
      method: 'POST',
      url: '/v1/responses/quarantine/accept',
      payload: { ids: [responseId] },
    }),
  },
  {
    name: 'POST /v1/responses/quarantine/reject',
    least: 'agent',
    request: ({ responseId }) => ({
      method: 'POST',
      url: '/v1/responses/quarantine/reject',
      payload: { ids: [responseId] },
    }),
  },
];

/** A webhook subscribed to nothing the fixtures cause (its URL is never called in these tests). */
const aWebhook = { url: 'https://hooks.example.com/closeloop', events: ['followup.assigned'] };

async function newWebhookId({ ctx, project }: Fixture): Promise<string> {
  const created = await ctx.asKey(project.secretKey, {
    method: 'POST',
    url: '/v1/webhooks',
    payload: aWebhook,
  });
  return created.json().id;
}

/** A fresh respondent per request (erasure removes it), named by external id or email. */
function respondentCases(): RoleCase[] {
  const fresh = async ({ ctx, project }: Fixture) => {
    const externalId = `privacy-${crypto.randomUUID()}`;
    const email = `${externalId}@customer.example`;
    await storeResponse(ctx, project, { respondent: { externalId, email } });
    return { externalId, email: encodeURIComponent(email) };
  };
  return [
    {
      name: 'GET /v1/respondents/:externalId',
      least: 'admin',
      request: async (fixture) => ({
        method: 'GET',
        url: `/v1/respondents/${(await fresh(fixture)).externalId}`,
      }),
    },
    {
      name: 'GET /v1/respondents (by email)',
      least: 'admin',
      request: async (fixture) => ({
        method: 'GET',
        url: `/v1/respondents?email=${(await fresh(fixture)).email}`,
      }),
    },
    {
      name: 'DELETE /v1/respondents/:externalId',
      least: 'admin',
      request: async (fixture) => ({
        method: 'DELETE',
        url: `/v1/respondents/${(await fresh(fixture)).externalId}`,
      }),
    },
    {
      name: 'DELETE /v1/respondents (by email)',
      least: 'admin',
      request: async (fixture) => ({
        method: 'DELETE',
        url: `/v1/respondents?email=${(await fresh(fixture)).email}`,
      }),
    },
  ];
}

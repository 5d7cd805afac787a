import type { InjectOptions } from 'fastify';
import type { TestProject } from './app.ts';

export interface ManagementRoute {
  method: NonNullable<InjectOptions['method']>;
  /** URL of a resource of `project`. */
  url: (project: TestProject) => string;
  payload?: (project: TestProject) => unknown;
  /** True when the route names one resource, so another project's key must get 404. */
  namesResource: boolean;
}

/**
 * Every management route, so the authorization checks common to all of them run against each.
 * A new management route is added here once and inherits every check.
 */
export const managementRoutes: ManagementRoute[] = [
  { method: 'GET', url: () => '/v1/surveys', namesResource: false },
  {
    method: 'POST',
    url: () => '/v1/surveys',
    payload: () => ({ name: 'x', kind: 'nps', texts: { en: { question: 'Q?' } } }),
    namesResource: false,
  },
  { method: 'GET', url: (p) => `/v1/surveys/${p.surveyIds.nps}`, namesResource: true },
  {
    method: 'PATCH',
    url: (p) => `/v1/surveys/${p.surveyIds.nps}`,
    payload: () => ({ name: 'Renamed' }),
    namesResource: true,
  },
  { method: 'DELETE', url: (p) => `/v1/surveys/${p.surveyIds.csat}`, namesResource: true },
  { method: 'GET', url: () => '/v1/responses', namesResource: false },
  { method: 'GET', url: () => '/v1/responses/export?format=ndjson', namesResource: false },
  { method: 'GET', url: (p) => `/v1/metrics?surveyId=${p.surveyIds.nps}`, namesResource: true },
  {
    method: 'GET',
    url: (p) => `/v1/metrics/segments?surveyId=${p.surveyIds.nps}&by=page`,
    namesResource: true,
  },
  // Follow-up inbox (resource ids are unknown here, so another project's key cannot be told
  // from a missing resource; role-matrix.test.ts checks those routes on real resources).
  ...followUpRoutes(),
];

function followUpRoutes(): ManagementRoute[] {
  const someId = '00000000-0000-4000-8000-000000000001';
  return [
    {
      method: 'PATCH',
      url: () => `/v1/responses/${someId}`,
      payload: () => ({ status: 'open' }),
      namesResource: false,
    },
    { method: 'GET', url: () => `/v1/responses/${someId}/notes`, namesResource: false },
    {
      method: 'POST',
      url: () => `/v1/responses/${someId}/notes`,
      payload: () => ({ body: 'x' }),
      namesResource: false,
    },
    { method: 'GET', url: () => `/v1/responses/${someId}/activity`, namesResource: false },
    { method: 'GET', url: () => `/v1/responses/${someId}/history`, namesResource: false },
    {
      method: 'POST',
      url: () => `/v1/responses/${someId}/replies`,
      payload: () => ({ body: 'x' }),
      namesResource: false,
    },
    { method: 'GET', url: () => '/v1/inbox/counts', namesResource: false },
    {
      method: 'POST',
      url: () => '/v1/responses/bulk',
      payload: () => ({ ids: [someId], status: 'resolved' }),
      namesResource: false,
    },
    { method: 'GET', url: () => '/v1/inbox/events', namesResource: false },
    { method: 'GET', url: () => '/v1/follow-up-rules', namesResource: false },
    {
      method: 'POST',
      url: () => '/v1/follow-up-rules',
      payload: () => ({ name: 'x', conditions: {}, effects: {} }),
      namesResource: false,
    },
    {
      method: 'PATCH',
      url: () => `/v1/follow-up-rules/${someId}`,
      payload: () => ({ enabled: false }),
      namesResource: false,
    },
    { method: 'DELETE', url: () => `/v1/follow-up-rules/${someId}`, namesResource: false },
    { method: 'GET', url: () => '/v1/users', namesResource: false },
    {
      method: 'POST',
      url: () => '/v1/users',
      payload: () => ({
        email: 'x@staff.example',
        name: 'x',
        role: 'agent',
        password: 'long enough password',
      }),
      namesResource: false,
    },
    {
      method: 'PATCH',
      url: () => `/v1/users/${someId}`,
      payload: () => ({ name: 'x' }),
      namesResource: false,
    },
    { method: 'DELETE', url: () => `/v1/users/${someId}`, namesResource: false },
    { method: 'GET', url: () => '/v1/keys', namesResource: false },
    { method: 'POST', url: () => '/v1/keys', payload: () => ({ name: 'x' }), namesResource: false },
    { method: 'DELETE', url: () => `/v1/keys/${someId}`, namesResource: false },
    { method: 'GET', url: () => '/v1/project', namesResource: false },
    { method: 'PATCH', url: () => '/v1/project', payload: () => ({ name: 'x' }), namesResource: false },
    { method: 'POST', url: () => '/v1/project/identity-secret', namesResource: false },
    { method: 'GET', url: () => '/v1/respondents/someone', namesResource: false },
    {
      method: 'POST',
      url: () => '/v1/responses/quarantine/accept',
      payload: () => ({ ids: [someId] }),
      namesResource: false,
    },
    {
      method: 'POST',
      url: () => '/v1/responses/quarantine/reject',
      payload: () => ({ ids: [someId] }),
      namesResource: false,
    },
    { method: 'GET', url: () => '/v1/auth/session', namesResource: false },
    { method: 'GET', url: () => '/v1/notifications', namesResource: false },
    {
      method: 'PATCH',
      url: () => '/v1/notifications',
      payload: () => ({ assigned: false }),
      namesResource: false,
    },
    { method: 'GET', url: () => '/v1/webhooks', namesResource: false },
    {
      method: 'POST',
      url: () => '/v1/webhooks',
      payload: () => ({ url: 'https://hooks.example.com/x', events: ['followup.assigned'] }),
      namesResource: false,
    },
    { method: 'GET', url: () => `/v1/webhooks/${someId}`, namesResource: false },
    {
      method: 'PATCH',
      url: () => `/v1/webhooks/${someId}`,
      payload: () => ({ enabled: false }),
      namesResource: false,
    },
    { method: 'DELETE', url: () => `/v1/webhooks/${someId}`, namesResource: false },
    { method: 'POST', url: () => `/v1/webhooks/${someId}/rotate-secret`, namesResource: false },
    { method: 'GET', url: () => `/v1/webhooks/${someId}/deliveries`, namesResource: false },
    { method: 'POST', url: () => `/v1/webhooks/${someId}/test`, namesResource: false },
    {
      method: 'POST',
      url: () => `/v1/webhooks/${someId}/deliveries/${someId}/retry`,
      namesResource: false,
    },
    { method: 'GET', url: () => '/v1/respondents?email=someone%40customer.example', namesResource: false },
    { method: 'DELETE', url: () => '/v1/respondents/someone', namesResource: false },
    { method: 'DELETE', url: () => '/v1/respondents?email=someone%40customer.example', namesResource: false },
    { method: 'GET', url: () => '/v1/audit', namesResource: false },
  ];
}

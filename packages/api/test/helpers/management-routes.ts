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
];

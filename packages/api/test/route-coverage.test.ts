/**
 * Every management route the running app registers must be covered by the shared authorization
 * checks: an entry in helpers/management-routes.ts (401/403 without a valid secret key, another
 * project's key) and a role case in helpers/role-matrix.ts (the least role that may use it, which
 * must match what the route requires). A new route that is missing from either fails here, and
 * the failure says what to add where.
 */

import { describe, expect, it } from 'vitest';
import { requiredRole } from '../src/plugins/auth.ts';
import { databaseTargets, useTestApp } from './helpers/app.ts';
import { managementRoutes } from './helpers/management-routes.ts';
import { roleCases, roleCheckedElsewhere } from './helpers/role-matrix.ts';

const someProject = {
  id: '00000000-0000-4000-8000-000000000000',
  publicKey: 'pk_x',
  secretKey: 'sk_x',
  surveyIds: {
    nps: '00000000-0000-4000-8000-000000000001',
    csat: '00000000-0000-4000-8000-000000000002',
    ces: '00000000-0000-4000-8000-000000000003',
  },
};

/** Whether a concrete URL (query string aside) fits a route pattern such as /v1/surveys/:id. */
function fits(pattern: string, url: string): boolean {
  const path = url.split('?')[0]!;
  const regex = new RegExp(`^${pattern.replace(/:[^/]+/g, '[^/]+')}$`);
  return regex.test(path);
}

/** Role cases are named `METHOD /pattern` with an optional ` (variant)`. */
const roleCaseRoute = (name: string) => name.replace(/ \(.*\)$/, '');

describe.each(databaseTargets().slice(0, 1))('management route coverage', (target) => {
  const ctx = useTestApp(target);

  it('finds the management routes of the running app', () => {
    expect(ctx.app.managementRouteList.length).toBeGreaterThan(30);
    expect(ctx.app.managementRouteList).toContainEqual({
      method: 'GET',
      url: '/v1/surveys',
      access: undefined,
    });
  });

  it('has every management route in helpers/management-routes.ts', () => {
    const missing = ctx.app.managementRouteList
      .filter(
        (route) =>
          !managementRoutes.some(
            (entry) => entry.method === route.method && fits(route.url, entry.url(someProject as never)),
          ),
      )
      .map(
        (route) =>
          `${route.method} ${route.url}: add { method: '${route.method}', url: () => '${route.url}', ` +
          'namesResource: false } (with a payload if it takes a body, and real ids) to managementRoutes in ' +
          'packages/api/test/helpers/management-routes.ts',
      );
    expect(missing, missing.join('\n')).toEqual([]);
  });

  it('has a role case for every management route in helpers/role-matrix.ts, with the role the route requires', () => {
    const problems: string[] = [];
    for (const route of ctx.app.managementRouteList) {
      const key = `${route.method} ${route.url}`;
      if (roleCheckedElsewhere.has(key)) continue;
      const required =
        route.access ?? requiredRole({ method: route.method, routeOptions: { config: {} } } as never);
      const cases = roleCases.filter((roleCase) => roleCaseRoute(roleCase.name) === key);
      if (cases.length === 0) {
        problems.push(
          `${key}: add { name: '${key}', least: '${required}', request: () => ({ method: '${route.method}', url: … }) } ` +
            'to roleCases in packages/api/test/helpers/role-matrix.ts (least = the least role that may use it)',
        );
      }
      for (const roleCase of cases) {
        if (roleCase.least !== required && !roleCase.name.includes('(')) {
          problems.push(
            `${roleCase.name}: the role case says least '${roleCase.least}', the route requires '${required}' ` +
              '(its config.access, else viewer to read and admin to change); make them agree',
          );
        }
      }
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });
});

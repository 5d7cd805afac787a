/**
 * The insights dashboard's place in the inbox (#/insights); the dashboard receives the inbox's
 * API client. This page's chunk is the only one that carries the chart library.
 */
import type { PageProps } from '../../app/routes.ts';
import { api } from '../../lib/api.ts';
import { navigate } from '../../lib/router.ts';
import { InsightsDashboard } from './InsightsDashboard.tsx';

/** The dashboard's choices live in the route's parameters, as the inbox list's filters do. */
export function InsightsPage({ params }: PageProps) {
  return (
    <div class="page">
      <InsightsDashboard api={api} params={params} onSelect={(next) => navigate('/insights', next)} />
    </div>
  );
}

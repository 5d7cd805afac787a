/**
 * The insights dashboard's place in the inbox (#/insights). The dashboard itself lives in
 * src/insights/ and receives the inbox's API client.
 */
import 'uplot/dist/uPlot.min.css';
import '../insights/insights.css';
import { api } from '../api.ts';
import { InsightsPage } from '../insights/InsightsPage.tsx';
import { navigate } from '../router.ts';

/** The dashboard's choices live in the route's parameters, as the inbox list's filters do. */
export function InsightsRoute({ params }: { params: URLSearchParams }) {
  return (
    <div class="page">
      <InsightsPage api={api} params={params} onSelect={(next) => navigate('/insights', next)} />
    </div>
  );
}

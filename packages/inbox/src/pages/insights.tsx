/**
 * The insights dashboard's place in the inbox (#/insights). The dashboard itself lives in
 * src/insights/ and receives the inbox's API client.
 */
import 'uplot/dist/uPlot.min.css';
import '../insights/insights.css';
import { api } from '../api.ts';
import { InsightsPage } from '../insights/InsightsPage.tsx';

export function InsightsRoute() {
  return (
    <div class="page">
      <InsightsPage api={api} />
    </div>
  );
}

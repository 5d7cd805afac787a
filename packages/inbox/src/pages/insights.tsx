/**
 * The insights dashboard's place in the inbox (#/insights). The dashboard itself lives in
 * src/insights/ and receives the inbox's API client.
 */
export function InsightsRoute() {
  return (
    <div class="page">
      <h1>Insights</h1>
      <p class="status">Scores over time, segments and exports appear here.</p>
    </div>
  );
}

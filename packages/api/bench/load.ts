/**
 * The load client of `pnpm bench`, run in a process of its own: autocannon POSTs batches of new
 * responses (a fresh UUID and score per item, per request) to a URL and prints one JSON line with
 * the result. Arguments: one JSON object {url, key, surveyId, perRequest, connections, seconds}.
 */
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  key: string;
  surveyId: string;
  perRequest: number;
  connections: number;
  seconds: number;
};

let sequence = 0;
function body(): string {
  const responses = [];
  for (let i = 0; i < options.perRequest; i++) {
    sequence++;
    responses.push({
      id: crypto.randomUUID(),
      surveyId: options.surveyId,
      score: sequence % 11,
      comment: sequence % 3 === 0 ? 'The checkout page was slow today.' : undefined,
      context: { url: 'https://shop.example/checkout', locale: 'en' },
      submittedAt: new Date().toISOString(),
    });
  }
  return JSON.stringify({ key: options.key, responses });
}

const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.seconds,
  requests: [
    {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      setupRequest: (request) => ({ ...request, body: body() }),
    },
  ],
});
console.log(
  JSON.stringify({
    requests: result.requests.total,
    perSecond: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: result.duration,
  }),
);

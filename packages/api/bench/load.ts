/**
 * The load client of `pnpm bench`, run in a process of its own: autocannon POSTs batches of new
 * responses (a fresh UUID and score per item, per request) to a URL and prints one JSON line with
 * the result, with the failed answers counted by status and problem code. Arguments: one JSON
 * object {url, key, surveyId, perRequest, connections, seconds}.
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
let visitors = 0;
/** A new visitor's address (10.0.0.0/8, one per request). */
function visitor(): string {
  visitors++;
  return `10.${(visitors >> 16) & 255}.${(visitors >> 8) & 255}.${visitors & 255}`;
}
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

// "503 unavailable" → how many answers of that kind: what the bench prints beside "failed".
const failures: Record<string, number> = {};
function countFailure(status: number, body: string) {
  if (status >= 200 && status < 300) return;
  let code = '';
  try {
    code = String((JSON.parse(body) as { code?: unknown }).code ?? '');
  } catch {}
  const kind = `${status}${code ? ` ${code}` : ''}`;
  failures[kind] = (failures[kind] ?? 0) + 1;
}

const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.seconds,
  requests: [
    {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      // Each request from a visitor of its own (the server trusts the loopback proxy).
      setupRequest: (request) => ({
        ...request,
        body: body(),
        headers: { ...request.headers, 'x-forwarded-for': visitor() },
      }),
      onResponse: (status, responseBody) => countFailure(status, responseBody),
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
    failures,
  }),
);

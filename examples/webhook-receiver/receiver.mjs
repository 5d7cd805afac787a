// A small webhook receiver: verifies each Closeloop delivery with the `standardwebhooks` package,
// ignores a message it has already handled (retries carry the same webhook-id), and prints it.
//
//   WEBHOOK_SECRET=whsec_… PORT=4000 node examples/webhook-receiver/receiver.mjs
import http from 'node:http';
import { Webhook } from 'standardwebhooks';

const secret = process.env.WEBHOOK_SECRET;
if (!secret?.startsWith('whsec_')) {
  console.error('Set WEBHOOK_SECRET to the whsec_… secret POST /v1/webhooks answered with.');
  process.exit(1);
}
const verifier = new Webhook(secret);
const port = Number(process.env.PORT ?? 4000);
const host = process.env.HOST ?? '127.0.0.1';
/** webhook-ids already handled (a real receiver keeps these in its database). */
const handled = new Set();

const server = http.createServer((request, response) => {
  if (request.method !== 'POST') return response.writeHead(405).end();
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    // Verify the raw body exactly as received: parsing and re-serialising would change it.
    const body = Buffer.concat(chunks).toString('utf8');
    let event;
    try {
      event = verifier.verify(body, request.headers);
    } catch (error) {
      console.warn(`Refused a delivery: ${error.message}`);
      return response.writeHead(400).end('invalid signature');
    }
    const id = request.headers['webhook-id'];
    if (handled.has(id)) return response.writeHead(204).end();
    handled.add(id);
    const answer = event.data?.response;
    console.log(
      `${event.type} ${id}` +
        (answer ? ` — ${answer.kind} ${answer.score}${answer.comment ? `: "${answer.comment}"` : ''}` : ''),
    );
    // Answer quickly with a 2xx; do slow work afterwards (Closeloop waits at most 10 s).
    response.writeHead(204).end();
  });
});
server.listen(port, host, () =>
  console.log(`Webhook receiver listening on http://${host}:${server.address().port}/`),
);

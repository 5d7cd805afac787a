/** One delivery attempt over HTTP: guarded address, no redirects, 10 s, the first 1 KB kept. */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { hostOf, isPublicAddress, publicOnlyLookup } from './webhook-address-guard.ts';

export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  /** The first 1 KB of the answer. */
  response?: string;
  error?: string;
}

export const attemptTimeoutMs = 10_000;
const keptBytes = 1024;

const errorText = (error: NodeJS.ErrnoException): string => {
  if (error.code === 'EBLOCKEDADDRESS') return `Refused: ${error.message}`;
  if (error.code === 'ECONNREFUSED') return 'Connection refused';
  if (error.code === 'ENOTFOUND') return 'The host name does not resolve';
  if (error.code === 'ECONNRESET') return 'The connection was reset';
  if (error.code?.startsWith('ERR_TLS') || error.code?.includes('CERT')) return `TLS error: ${error.message}`;
  return error.message || String(error.code ?? 'Network error');
};

/**
 * POSTs a body to a webhook URL. Without `allowPrivate`, the connection is refused unless every
 * address the host resolves to is public (checked while connecting, not before). Redirects are not
 * followed: a 3xx counts as a failure, like any other non-2xx.
 */
export function postWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  options: { allowPrivate: boolean; timeoutMs?: number },
): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: Omit<AttemptResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };
    const fail = (error: string) => finish({ ok: false, statusCode: null, error });
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return fail('The URL is not valid');
    }
    const secure = url.protocol === 'https:';
    if (!secure && !(options.allowPrivate && url.protocol === 'http:')) {
      return fail('Refused: webhooks are sent over https only');
    }
    const host = hostOf(url);
    // An IP literal is connected to without a lookup, so it is checked here.
    if (!options.allowPrivate && isIP(host) && !isPublicAddress(host)) {
      return fail(`Refused: ${host} is not a public address`);
    }
    const payload = Buffer.from(body, 'utf8');
    const request = (secure ? https : http).request(url, {
      method: 'POST',
      agent: false,
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(payload.length),
        'user-agent': 'Closeloop-Webhooks/1',
      },
      ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
    });
    timer = setTimeout(() => {
      request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' }));
      fail(`No answer within ${Math.round((options.timeoutMs ?? attemptTimeoutMs) / 1000)} s`);
    }, options.timeoutMs ?? attemptTimeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => fail(errorText(error)));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const statusCode = response.statusCode ?? 0;
        const text = Buffer.concat(chunks)
          .subarray(0, keptBytes)
          .toString('utf8')
          // Postgres text cannot hold NUL; a character cut at the 1 KB mark is dropped.
          .replaceAll('\u0000', '')
          .replace(/\uFFFD+$/, '');
        finish({ ok: statusCode >= 200 && statusCode < 300, statusCode, response: text });
        response.destroy();
      };
      response.on('data', (chunk: Buffer) => {
        if (size < keptBytes) chunks.push(chunk);
        size += chunk.length;
        // The answer's first kilobyte is all that is kept; the rest is not waited for.
        if (size >= keptBytes) done();
      });
      response.on('end', done);
      response.on('error', done);
    });
    request.end(payload);
  });
}

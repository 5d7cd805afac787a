// Serves this folder with a strict Content-Security-Policy header:
//   CLOSELOOP_API=http://127.0.0.1:3000 CLOSELOOP_KEY=pk_… node examples/csp-strict/serve.mjs
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const folder = dirname(fileURLToPath(import.meta.url));
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

/** The policy of the issue: nothing inline, scripts and connections only to ourselves and the API. */
export function strictPolicy(apiOrigin) {
  return `default-src 'self'; script-src 'self' ${apiOrigin}; connect-src ${apiOrigin}; style-src 'self'`;
}

/**
 * Starts the server on 127.0.0.1 (port 0 = any free port).
 * @param {{ apiUrl: string, publicKey: string, port?: number, root?: string }} options
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveStrictCsp({ apiUrl, publicKey, port = 0, root = folder }) {
  const apiOrigin = new URL(apiUrl).origin;
  const server = http.createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    const file = path === '/' ? 'index.html' : path.slice(1);
    if (file.includes('..') || !types[extname(file)]) {
      response.writeHead(404).end();
      return;
    }
    try {
      let body = await readFile(join(root, file), 'utf8');
      if (file.endsWith('.html')) {
        body = body.replaceAll('%CLOSELOOP_API%', apiOrigin).replaceAll('%CLOSELOOP_KEY%', publicKey);
      }
      response.writeHead(200, {
        'content-type': types[extname(file)],
        'content-security-policy': strictPolicy(apiOrigin),
        'cache-control': 'no-store',
      });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const apiUrl = process.env.CLOSELOOP_API ?? 'http://127.0.0.1:3000';
  const publicKey = process.env.CLOSELOOP_KEY ?? 'pk_demo';
  const { url } = await serveStrictCsp({ apiUrl, publicKey, port: Number(process.env.PORT ?? 8081) });
  console.log(`Strict-CSP example at ${url} (API ${apiUrl}, key ${publicKey})`);
}

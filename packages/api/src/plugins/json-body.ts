import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Errors, ValidationError } from '../errors.ts';

/** NUL (U+0000), or half of a surrogate pair without its other half: text Postgres cannot store. */
const isUnstorable = (text: string) => text.includes('\u0000') || /\p{Cs}/u.test(text);

/**
 * Where the first text Postgres cannot store sits in a parsed JSON value, as a dotted path
 * (`responses.0.comment`), or null: a NUL character, or an unpaired surrogate (`"\ud800"` is
 * valid JSON but not valid Unicode). Such a body is refused up front with a 400 naming the field
 * instead of failing in the database or being silently altered.
 */
export function pathOfUnstorableText(value: unknown): string | null {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      if (isUnstorable(current)) return path || '(body)';
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--)
        stack.push({ value: current[index], path: join(path, index) });
    } else if (current !== null && typeof current === 'object') {
      const entries = Object.entries(current);
      for (let index = entries.length - 1; index >= 0; index--) {
        const [key, child] = entries[index]!;
        if (isUnstorable(key)) return join(path, JSON.stringify(key).slice(1, -1));
        stack.push({ value: child, path: join(path, key) });
      }
    }
  }
  return null;
}

/** A `\u0000` or surrogate (`\ud800`–`\udfff`) escape; a false alarm (`\\u0000`) only costs a walk. */
const mayEscapeUnstorable = /\\u(?:0000|[dD][89abcdefABCDEF])/;

const unstorableMessage = 'must be valid Unicode text: no NUL character (U+0000) and no unpaired surrogate';

/** Fastify's parser does not say why a body was refused; plain JSON.parse tells. */
function explainJsonError(error: Error & { code?: string }, body: string): Error {
  if (error.code !== 'FST_ERR_CTP_INVALID_JSON_BODY') return error;
  try {
    JSON.parse(body);
  } catch (syntax) {
    return Object.assign(new Errors.InvalidJson((syntax as Error).message), { statusCode: 400 });
  }
  // Valid JSON that Fastify refused: it has a __proto__ or constructor.prototype key.
  return new ValidationError(
    [{ path: '(body)', message: 'must not have "__proto__" or "constructor.prototype" keys' }],
    'The request body has a key that is refused',
  );
}

/** The deepest nesting of arrays and objects a JSON body may have; no valid request comes near. */
export const maxJsonDepth = 32;

/**
 * Whether JSON text nests arrays and objects deeper than `limit`, found in one pass over the text
 * without parsing it (brackets inside strings do not count), so a body of 400 000 brackets costs
 * a scan, not a parse.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index++; // backslash: the next character is escaped
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      if (++depth > limit) return true;
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return false;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text, or a 415 for a declared charset other than UTF-8, or a 400 for bytes that are not UTF-8. */
function decodeBody(request: FastifyRequest, body: Buffer): string | Error {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) return new Errors.UnsupportedCharset(charset);
  try {
    return utf8.decode(body);
  } catch {
    return new Errors.InvalidUtf8();
  }
}

/**
 * JSON bodies, sent as application/json or as text/plain (beacons and preflight-free fetches), in
 * UTF-8: the declared charset and the bytes are checked, then the nesting depth (before any
 * parsing), then Fastify's parser (which refuses `__proto__` and `constructor.prototype` keys), then
 * text Postgres cannot store.
 */
export const jsonBodyPlugin = fp(
  async (app: FastifyInstance) => {
    const parseJson = app.getDefaultJsonParser('error', 'error');
    const parser = (
      request: FastifyRequest,
      raw: Buffer,
      done: (error: Error | null, value?: unknown) => void,
    ) => {
      const body = decodeBody(request, raw);
      if (body instanceof Error) return done(body);
      if (nestsDeeperThan(body, maxJsonDepth)) return done(new Errors.TooDeep(maxJsonDepth));
      parseJson(request, body, (error: Error | null, value?: unknown) => {
        if (error) return done(explainJsonError(error, body));
        // The bytes are strict UTF-8, and JSON forbids raw control characters in strings, so
        // such text can only come from a \u escape: without one, there is nothing to look for.
        const path = mayEscapeUnstorable.test(body) ? pathOfUnstorableText(value) : null;
        if (path !== null) return done(new ValidationError([{ path, message: unstorableMessage }]));
        done(null, value);
      });
    };
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parser);
    app.addContentTypeParser('text/plain', { parseAs: 'buffer' }, parser);

    // Query strings and paths: Postgres cannot compare against NUL either.
    app.addHook('onRequest', async (request) => {
      if (/%00/i.test(request.url)) {
        throw new ValidationError([{ path: '(url)', message: unstorableMessage }]);
      }
    });
  },
  { name: 'closeloop-json-body', dependencies: ['closeloop-problems'] },
);

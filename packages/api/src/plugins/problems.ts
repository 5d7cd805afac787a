import { STATUS_CODES } from 'node:http';
import { limits, type Problem } from '@closeloop/shared';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { databaseRetryAfterSeconds, isDatabaseUnreachable } from '../db/unreachable.ts';
import { ConflictError, type FieldError, ValidationError } from '../errors.ts';
import { readFromReplica } from './read-database.ts';

const statusCodes = new Map<string, { status: number; code: string; detail?: string }>([
  [
    'FST_ERR_CTP_INVALID_MEDIA_TYPE',
    {
      status: 415,
      code: 'unsupported_media_type',
      detail: 'Send the body as application/json (or text/plain holding JSON, for the widget endpoints)',
    },
  ],
  ['FST_ERR_CTP_EMPTY_JSON_BODY', { status: 400, code: 'invalid_json', detail: 'The request body is empty' }],
  [
    'FST_ERR_CTP_INVALID_JSON_BODY',
    { status: 400, code: 'invalid_json', detail: 'The request body is not valid JSON' },
  ],
  ['FST_ERR_CTP_INVALID_CONTENT_LENGTH', { status: 400, code: 'invalid_request' }],
  [
    'FST_ERR_CTP_EMPTY_TYPE',
    { status: 415, code: 'unsupported_media_type', detail: 'Send a content-type header (application/json)' },
  ],
  ['FST_ERR_CTP_INVALID_TYPE', { status: 415, code: 'unsupported_media_type' }],
]);

/** `/responses/3/score` → `responses.3.score` */
function dottedPath(instancePath: string, context: string | undefined): string {
  const path = instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
  if (context === 'body' || !context) return path || '(body)';
  return path || `(${context})`;
}

/** Builds and sends an RFC 9457 problem. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  errors?: FieldError[],
): FastifyReply {
  const problem: Problem = {
    type: `urn:closeloop:problem:${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    requestId: String(request.id),
    ...(errors ? { errors } : {}),
  };
  return reply.code(status).type('application/problem+json; charset=utf-8').send(problem);
}

function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((issue) => ({
      path: dottedPath(issue.instancePath, error.validationContext),
      message: issue.message ?? 'is not valid',
    }));
    return sendProblem(
      request,
      reply,
      400,
      'invalid_request',
      'The request is not valid; see errors for each field',
      errors,
    );
  }
  if (error instanceof ValidationError || error instanceof ConflictError) {
    return sendProblem(request, reply, error.statusCode, error.code, error.message, error.errors);
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const bodyLimit = request.routeOptions.bodyLimit ?? limits.maxIngestBodyBytes;
    return sendProblem(
      request,
      reply,
      413,
      'payload_too_large',
      `The request body is larger than ${bodyLimit} bytes`,
    );
  }
  const mapped = statusCodes.get(error.code);
  if (mapped) return sendProblem(request, reply, mapped.status, mapped.code, mapped.detail ?? error.message);
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return sendProblem(
      request,
      reply,
      400,
      'invalid_json',
      `The request body is not valid JSON: ${error.message}`,
    );
  }
  const status = error.statusCode ?? 500;
  if (status === 429) {
    return sendProblem(request, reply, 429, 'rate_limited', tooManyRequests(reply.getHeader('retry-after')));
  }
  if (status >= 400 && status < 500) {
    // Codes of our catalogue (errors.ts) are upper-cased by @fastify/error; Fastify's own are not ours.
    const code =
      /^[A-Z_]+$/.test(error.code ?? '') && !error.code.startsWith('FST_')
        ? error.code.toLowerCase()
        : 'invalid_request';
    return sendProblem(request, reply, status, code, error.message);
  }
  if (isDatabaseUnreachable(error)) {
    request.log.warn({ err: error }, 'database unreachable');
    // The replica being down says nothing of the primary, which every other route needs.
    if (!readFromReplica(request)) request.server.databaseHealth?.markUnreachable();
    return sendDatabaseUnavailable(request, reply);
  }
  request.log.error({ err: error }, 'request failed');
  if (status === 503 && error.code?.toLowerCase() === 'unavailable') {
    return sendProblem(request, reply, 503, 'unavailable', error.message);
  }
  return sendProblem(
    request,
    reply,
    status >= 500 && status < 600 ? status : 500,
    'internal_error',
    'Something went wrong on our side; quote the requestId when you report it',
  );
}

/** One error handler for the whole app: everything becomes problem+json; 5xx never leak internals. */
export const problemsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler(handleError);
    app.setNotFoundHandler((request, reply) =>
      sendProblem(
        request,
        reply,
        404,
        'not_found',
        `No route ${request.method} ${request.url.split('?')[0]}`,
      ),
    );
  },
  { name: 'closeloop-problems' },
);

/** Answers 503 unavailable with Retry-After: the database cannot be reached. */
export function sendDatabaseUnavailable(request: FastifyRequest, reply: FastifyReply) {
  reply.header('retry-after', databaseRetryAfterSeconds);
  return sendProblem(
    request,
    reply,
    503,
    'unavailable',
    `The database cannot be reached; try again in ${databaseRetryAfterSeconds} seconds`,
  );
}

/** The 429 detail, naming the wait the Retry-After header gives. */
function tooManyRequests(retryAfter: unknown): string {
  const seconds = Number(retryAfter);
  if (!Number.isFinite(seconds) || seconds <= 0) return 'Too many requests; try again later';
  const wait =
    seconds < 120
      ? `${Math.ceil(seconds)} second${Math.ceil(seconds) === 1 ? '' : 's'}`
      : `${Math.ceil(seconds / 60)} minutes`;
  return `Too many requests; try again in ${wait}`;
}

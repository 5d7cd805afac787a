import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyServerOptions } from 'fastify';
import { sendProblem } from './problems.ts';

/**
 * Errors Node reports before a request exists (a bad request line, headers too large): answered as
 * problem+json with an x-request-id too, written straight to the socket (Fastify's
 * `clientErrorHandler`; there is no request or reply yet).
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const code = status === 408 ? 'request_timeout' : status === 431 ? 'headers_too_large' : 'invalid_request';
  const requestId = randomUUID();
  const body = JSON.stringify({
    type: `urn:closeloop:problem:${code}`,
    title: STATUS_CODES[status],
    status,
    detail:
      status === 431
        ? 'The request headers are too large'
        : status === 408
          ? 'The request took too long to arrive'
          : 'The request is not valid HTTP',
    code,
    requestId,
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** Errors of Fastify's router (a malformed path such as `/v1/surveys/%E0%A4%A`): a problem like any other. */
export const answerFrameworkError: NonNullable<FastifyServerOptions['frameworkErrors']> = (
  error,
  request,
  reply,
) => {
  reply.header('x-request-id', request.id);
  sendProblem(request, reply, 400, 'invalid_request', error.message);
};

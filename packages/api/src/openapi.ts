import { STATUS_CODES } from 'node:http';
import { problemSchema } from '@closeloop/shared';
import type { SwaggerTransformObject } from '@fastify/swagger';
import { z } from 'zod';

interface MediaTypes {
  [type: string]: { schema?: unknown };
}
interface Operation {
  requestBody?: { content?: MediaTypes };
  responses?: Record<string, { description?: string; content?: MediaTypes }>;
}
interface Document {
  paths?: Record<string, Record<string, Operation>>;
}

/** Routes that also take their JSON body as text/plain (beacons, preflight-free fetches). */
const textPlainBodies = new Set(['post /v1/responses', 'post /v1/events']);

/** Routes whose 200 is a stream in one of these media types, not JSON. */
const streamedBodies: Record<string, Record<string, string>> = {
  'get /v1/responses/export': {
    'text/csv': 'CSV (format=csv): UTF-8, a header row, then one record per response',
    'application/x-ndjson': 'NDJSON (format=ndjson): one response record per line',
  },
};

const { $schema: _, ...problemJsonSchema } = z.toJSONSchema(problemSchema) as Record<string, unknown>;
const problem = (status: number) => ({
  description: STATUS_CODES[status] ?? 'Error',
  content: { 'application/problem+json': { schema: problemJsonSchema } },
});

/**
 * Makes /openapi.json say what the server sends: errors are application/problem+json (every
 * operation may also answer 500, and 503 when the server is overloaded), operations with a body may answer 413 and 415, the ingestion
 * routes accept their JSON as text/plain too, and streamed exports are CSV or NDJSON.
 */
export const documentProblems: SwaggerTransformObject = (document) => {
  if (!('openapiObject' in document)) return document.swaggerObject;
  const openapiObject = document.openapiObject as Partial<Document>;
  for (const [path, operations] of Object.entries(openapiObject.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      operation.responses ??= {};
      const responses = operation.responses;
      for (const [status, response] of Object.entries(responses)) {
        const code = Number(status);
        if (code >= 400 && response.content) {
          const schema = Object.values(response.content)[0]?.schema ?? problemJsonSchema;
          response.content = { 'application/problem+json': { schema } };
          response.description = STATUS_CODES[code] ?? response.description;
        } else if (response.description === 'Default Response') {
          response.description = STATUS_CODES[code] ?? response.description;
        }
      }
      const body = operation.requestBody?.content;
      if (body) {
        responses['413'] ??= problem(413);
        responses['415'] ??= problem(415);
        if (textPlainBodies.has(`${method} ${path}`) && body['application/json']) {
          body['text/plain'] = body['application/json'];
        }
      }
      const streamed = streamedBodies[`${method} ${path}`];
      if (streamed && responses['200']) {
        responses['200'].content = Object.fromEntries(
          Object.entries(streamed).map(([type, description]) => [
            type,
            { schema: { type: 'string', description } },
          ]),
        );
      }
      responses['500'] ??= problem(500);
      responses['503'] ??= problem(503);
    }
  }
  return document.openapiObject;
};

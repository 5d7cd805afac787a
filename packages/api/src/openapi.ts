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

const { $schema: _, ...problemJsonSchema } = z.toJSONSchema(problemSchema) as Record<string, unknown>;
const problem = (status: number) => ({
  description: STATUS_CODES[status] ?? 'Error',
  content: { 'application/problem+json': { schema: problemJsonSchema } },
});

/**
 * Makes /openapi.json say what the server sends: errors are application/problem+json (every
 * operation may also answer 500), operations with a body may answer 415, and the ingestion
 * routes accept their JSON as text/plain too.
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
        responses['415'] ??= problem(415);
        if (textPlainBodies.has(`${method} ${path}`) && body['application/json']) {
          body['text/plain'] = body['application/json'];
        }
      }
      responses['500'] ??= problem(500);
    }
  }
  return document.openapiObject;
};

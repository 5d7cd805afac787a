/**
 * msw handlers for the API the inbox talks to, built from the shared schemas: every response body
 * is parsed with the schema the API answers with (a handler cannot drift from the contract), and
 * every request body the inbox sends is parsed with the schema the API validates it with — a body
 * the API would refuse fails the test (the handler records it and answers 500).
 */
import {
  bulkFollowUpUpdateSchema,
  followUpUpdateSchema,
  type Metrics,
  metricsSchema,
  noteCreateSchema,
  type Problem,
  problemSchema,
  type QueueCounts,
  queueCountsSchema,
  type ResponseList,
  type ResponseRecord,
  replyCreateSchema,
  responseListQuerySchema,
  responseListSchema,
  responseRecordSchema,
  type StaffUser,
  staffUserSchema,
  surveySchema,
} from '@closeloop/shared';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { z } from 'zod';

/** Requests the inbox sent that the API would have refused (each test expects none). */
export const refused: { method: string; path: string; issues: string }[] = [];

/** Request bodies the API accepted, by "METHOD /path", for assertions on what was sent. */
export const sent: { method: string; path: string; body: unknown }[] = [];

async function accepted<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S> | Response> {
  const url = new URL(request.url);
  if (request.headers.get('x-csrf-token') !== 'csrf-test-token') {
    refused.push({ method: request.method, path: url.pathname, issues: 'missing x-csrf-token' });
    return problem(403, 'csrf', 'Missing CSRF token');
  }
  const body: unknown = await request.json();
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    refused.push({ method: request.method, path: url.pathname, issues: z.prettifyError(parsed.error) });
    return problem(400, 'validation', 'The request body is invalid');
  }
  sent.push({ method: request.method, path: url.pathname, body });
  return parsed.data;
}

/** A problem+json answer, checked against the shared problem schema. */
export function problem(status: number, code: string, detail: string, errors?: Problem['errors']) {
  const body = problemSchema.parse({
    type: `https://closeloop.dev/problems/${code}`,
    title: code,
    status,
    detail,
    code,
    requestId: 'req-test',
    ...(errors ? { errors } : {}),
  });
  return HttpResponse.json(body, { status, headers: { 'content-type': 'application/problem+json' } });
}

/** Answers with `body` once it parses with `schema`. */
const reply = <S extends z.ZodType>(schema: S, body: z.input<S>, status = 200) =>
  HttpResponse.json(schema.parse(body) as object, { status });

export const surveyListSchema = z.object({ data: z.array(surveySchema) });
export const staffListSchema = z.object({ data: z.array(staffUserSchema) });
const recordsSchema = z.object({ data: z.array(responseRecordSchema) });

export interface ApiState {
  responses: ResponseRecord[];
  staff: StaffUser[];
  counts: QueueCounts;
  metrics: (kind: Metrics['kind']) => Metrics;
}

/** Handlers answering from `state`: a test changes the state, the handlers serve it. */
export function apiHandlers(state: ApiState) {
  return [
    http.get('*/v1/surveys', () => reply(surveyListSchema, { data: [] })),
    http.get('*/v1/users', () => reply(staffListSchema, { data: state.staff })),
    http.get('*/v1/inbox/counts', () => reply(queueCountsSchema, state.counts)),
    http.get('*/v1/metrics', ({ request }) => {
      const kind = z.enum(['nps', 'csat', 'ces']).parse(new URL(request.url).searchParams.get('kind'));
      return reply(metricsSchema, state.metrics(kind));
    }),
    http.get('*/v1/responses', ({ request }) => {
      const query = responseListQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
      if (!query.success) {
        refused.push({ method: 'GET', path: '/v1/responses', issues: z.prettifyError(query.error) });
        return problem(400, 'validation', 'The query is invalid');
      }
      const body: ResponseList = { data: state.responses, nextCursor: null };
      return reply(responseListSchema, body);
    }),
    http.post('*/v1/responses/bulk', async ({ request }) => {
      const body = await accepted(request, bulkFollowUpUpdateSchema);
      if (body instanceof Response) return body;
      const changed = state.responses.filter((response) => body.ids.includes(response.id));
      return reply(recordsSchema, { data: changed });
    }),
    http.patch('*/v1/responses/:id', async ({ request, params }) => {
      const body = await accepted(request, followUpUpdateSchema);
      if (body instanceof Response) return body;
      const record = state.responses.find((response) => response.id === params.id);
      if (!record) return problem(404, 'not_found', 'No such response');
      return reply(responseRecordSchema, record);
    }),
    http.post('*/v1/responses/:id/notes', async ({ request }) => {
      const body = await accepted(request, noteCreateSchema);
      return body instanceof Response ? body : problem(501, 'not_implemented', 'Notes are not served here');
    }),
    http.post('*/v1/responses/:id/replies', async ({ request }) => {
      const body = await accepted(request, replyCreateSchema);
      return body instanceof Response ? body : problem(501, 'not_implemented', 'Replies are not served here');
    }),
  ];
}

export const server = setupServer();

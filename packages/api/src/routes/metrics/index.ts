import { metricsQuerySchema, metricsSchema, segmentsQuerySchema, segmentsSchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { projectIdOf } from '../../plugins/auth.ts';
import { computeMetrics, computeSegments } from '../../services/metrics.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

/** GET /v1/metrics and GET /v1/metrics/segments. */
export const metricsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/metrics',
    {
      schema: {
        tags: ['insights'],
        summary: 'NPS, CSAT or CES per interval, with 95 % intervals, distributions and response rates',
        description:
          'Buckets start at midnight (day), Monday (week) or the 1st (month) in `timezone`. Each bucket has ' +
          'its change against the bucket before; `change` compares the whole range with the period of the ' +
          'same length before it (two-sample z-test, significant at 5 %). Response rates are responses per ' +
          'shown impression and are null when a segment filter (urlPrefix, locale, trait) is set.',
        security,
        querystring: metricsQuerySchema,
        response: { 200: metricsSchema, ...errors },
      },
    },
    async (request) => computeMetrics(app.readDatabaseFor(request), projectIdOf(request), request.query),
  );

  app.get(
    '/v1/metrics/segments',
    {
      schema: {
        tags: ['insights'],
        summary: 'Scores of the largest segments by page, locale or respondent trait',
        security,
        querystring: segmentsQuerySchema,
        response: { 200: segmentsSchema, ...errors },
      },
    },
    async (request) => computeSegments(app.readDatabaseFor(request), projectIdOf(request), request.query),
  );
};

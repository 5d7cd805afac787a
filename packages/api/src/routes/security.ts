import { problemSchema } from '@closeloop/shared';

/** OpenAPI security of management routes: a secret key or a staff session cookie (+ x-csrf-token). */
export const managementSecurity: Record<string, string[]>[] = [{ secretKey: [] }, { session: [] }];

/** Problem responses every management route may give. */
export const managementErrors = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
};

/** Problem responses of the widget's batch routes (POST /v1/responses, POST /v1/events). */
export const widgetBatchErrors = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  413: problemSchema,
  429: problemSchema,
};

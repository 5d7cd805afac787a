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

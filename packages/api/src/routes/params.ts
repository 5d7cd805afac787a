import { z } from 'zod';

/** Path parameters of a route on one resource: `/…/:id`. */
export const idParams = z.object({ id: z.uuid() });

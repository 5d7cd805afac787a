/** Secret keys of the management API. */
import { z } from 'zod';
import { isoDateTime, nameSchema } from './common.ts';

/** A secret key as lists show it (never the key itself). */
export const secretKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  createdAt: isoDateTime,
  lastUsedAt: isoDateTime.nullable(),
  revokedAt: isoDateTime.nullable(),
});
export type SecretKeyInfo = z.infer<typeof secretKeySchema>;
export const secretKeyCreateSchema = z.object({ name: nameSchema });
export const createdSecretKeySchema = secretKeySchema.extend({
  key: z.string().describe('The secret key, shown this once: only its hash is stored'),
});

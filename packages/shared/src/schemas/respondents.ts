/** Respondents: the stored person behind responses, and the identity secret that verifies them. */
import { z } from 'zod';
import { isoDateTime } from './common.ts';

const traitValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A stored respondent, as GET /v1/respondents/:externalId returns it. */
export const respondentRecordSchema = z.object({
  id: z.uuid(),
  externalId: z.string().nullable(),
  email: z.string().nullable(),
  traits: z.record(z.string(), traitValue),
  verified: z.boolean().describe('True once a response arrived with a valid signature of this external id'),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type RespondentRecord = z.infer<typeof respondentRecordSchema>;

/** Answer of POST /v1/project/identity-secret: the new secret, shown this once. */
export const identitySecretSchema = z.object({
  secret: z
    .string()
    .describe('idsec_…: sign external ids with it on your server; the previous secret stops verifying now'),
});
export type IdentitySecret = z.infer<typeof identitySecretSchema>;

/** Whether unsigned identities may change stored respondents (`off`) or not (`required`). */
export const identityVerificationSchema = z
  .enum(['off', 'required'])
  .describe(
    'required: only signed identities change stored respondents; off: unsigned ones may too, unless the respondent was ever verified',
  );
export type IdentityVerification = z.infer<typeof identityVerificationSchema>;

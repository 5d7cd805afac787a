/** Project settings and the widget's appearance. */
import { z } from 'zod';
import { widgetPositions } from '../kinds.ts';
import { isoDateTime, nameSchema } from './common.ts';
import { identityVerificationSchema } from './respondents.ts';

/** Appearance of the widget for a project. */
export const appearanceSchema = z.object({
  brandColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #4f46e5')
    .default('#4f46e5'),
  position: z.enum(widgetPositions).default('bottom-right'),
  theme: z.enum(['auto', 'light', 'dark']).default('auto'),
  /** Days after any survey was shown before another may show to the same visitor. */
  cooldownDays: z.number().int().min(0).max(365).default(14),
});
export type Appearance = z.infer<typeof appearanceSchema>;

/** Project settings. */
export const projectSettingsSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  publicKey: z.string(),
  allowedOrigins: z.array(z.string()),
  appearance: appearanceSchema,
  identityVerification: identityVerificationSchema,
  hasIdentitySecret: z.boolean().describe('Whether an identity secret (idsec_…) has been made'),
  createdAt: isoDateTime,
});
export type ProjectSettings = z.infer<typeof projectSettingsSchema>;

/** Body of PATCH /v1/project. */
export const projectUpdateSchema = z
  .object({
    name: nameSchema,
    allowedOrigins: z.array(z.string().max(300)).max(100),
    appearance: appearanceSchema,
    identityVerification: identityVerificationSchema,
  })
  .partial()
  .strict();
export type ProjectUpdate = z.input<typeof projectUpdateSchema>;

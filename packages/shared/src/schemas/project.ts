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

/**
 * Shortest retention period: an answer may arrive up to 7 days after it was given, and an
 * earlier period would let a late resend bring back a comment retention had removed.
 */
export const minRetentionDays = 7;
/** Longest retention period a project may set: ten years. */
export const maxRetentionDays = 3650;

/** Days a response keeps who gave it and what they wrote; null keeps everything until erased. */
export const retentionDaysSchema = z
  .number()
  .int()
  .min(
    minRetentionDays,
    `must be at least ${minRetentionDays} days (the longest a widget holds an answer before sending it)`,
  )
  .max(maxRetentionDays)
  .nullable()
  .describe(
    'Days after which a response loses its comment, respondent, traits and page URLs and its notes and email messages are deleted (score, survey, time and locale stay); null keeps them until erased',
  );

/** Project settings. */
export const projectSettingsSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  publicKey: z.string(),
  allowedOrigins: z.array(z.string()),
  appearance: appearanceSchema,
  identityVerification: identityVerificationSchema,
  hasIdentitySecret: z.boolean().describe('Whether an identity secret (idsec_…) has been made'),
  retentionDays: retentionDaysSchema,
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
    retentionDays: retentionDaysSchema,
  })
  .partial()
  .strict();
export type ProjectUpdate = z.input<typeof projectUpdateSchema>;

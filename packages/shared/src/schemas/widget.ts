/** The widget's own endpoints: its configuration and the events it reports. */
import { z } from 'zod';
import { limits } from '../kinds.ts';
import { instantSchema, publicKeySchema, uuidInput } from './common.ts';
import { appearanceSchema } from './project.ts';
import { surveySchema } from './surveys.ts';

/** What GET /v1/widget/config returns: everything the widget needs, nothing secret. */
export const widgetConfigSchema = z.object({
  projectId: z.uuid(),
  appearance: appearanceSchema,
  surveys: z.array(
    surveySchema.pick({
      id: true,
      kind: true,
      defaultLocale: true,
      texts: true,
      targeting: true,
      recontact: true,
      updatedAt: true,
    }),
  ),
});
export type WidgetConfig = z.infer<typeof widgetConfigSchema>;

export const eventTypeSchema = z.enum(['shown', 'dismissed']);

/** One widget event. */
export const eventInputSchema = z.object({
  id: uuidInput(),
  surveyId: uuidInput(),
  type: eventTypeSchema,
  at: instantSchema,
});
export type EventInput = z.infer<typeof eventInputSchema>;

/** Body of POST /v1/events. */
export const eventBatchSchema = z.object({
  key: publicKeySchema,
  events: z.array(eventInputSchema).min(1).max(limits.maxBatch),
});
export type EventBatch = z.infer<typeof eventBatchSchema>;

/** Follow-up rules: what opens a follow-up automatically, with which due date, assignee and tags. */
import { z } from 'zod';
import {
  isoDateTime,
  isWellFormedText,
  nameSchema,
  surveyKindSchema,
  unpairedSurrogate,
  uuidInput,
} from './common.ts';
import { tagsSchema } from './follow-up.ts';

/** What a follow-up rule matches; every condition given must hold. */
export const ruleConditionsSchema = z
  .object({
    surveyId: uuidInput().nullable().default(null),
    kind: surveyKindSchema.nullable().default(null),
    scoreAtMost: z.number().int().min(0).max(10).nullable().default(null),
    scoreAtLeast: z.number().int().min(0).max(10).nullable().default(null),
    hasComment: z.boolean().nullable().default(null).describe('true: a comment is required; false: none'),
    trait: z
      .object({
        key: z.string().min(1).max(100).refine(isWellFormedText, unpairedSurrogate),
        value: z.union([
          z.string().max(1000).refine(isWellFormedText, unpairedSurrogate),
          z.number(),
          z.boolean(),
        ]),
      })
      .nullable()
      .default(null)
      .describe('The respondent trait `key` equals `value`'),
  })
  .strict();
export type RuleConditions = z.infer<typeof ruleConditionsSchema>;

/** What a follow-up rule does to a response it matches. */
export const ruleEffectsSchema = z
  .object({
    open: z.boolean().default(true).describe('Open a follow-up'),
    dueInHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .nullable()
      .default(48),
    assign: z
      .union([
        z.object({ type: z.literal('user'), userId: uuidInput() }),
        z
          .object({ type: z.literal('round_robin') })
          .describe('Rotate among active agents (not admins or owners); none active: unassigned'),
      ])
      .nullable()
      .default(null),
    addTags: tagsSchema.default([]),
  })
  .strict();
export type RuleEffects = z.infer<typeof ruleEffectsSchema>;

export const ruleCreateSchema = z.object({
  name: nameSchema,
  enabled: z.boolean().default(true),
  position: z.number().int().min(0).max(10_000).default(100).describe('Rules apply in ascending position'),
  conditions: ruleConditionsSchema,
  effects: ruleEffectsSchema,
});
export type RuleCreate = z.input<typeof ruleCreateSchema>;

export const ruleUpdateSchema = z
  .object({
    name: nameSchema,
    enabled: z.boolean(),
    position: z.number().int().min(0).max(10_000),
    conditions: ruleConditionsSchema,
    effects: ruleEffectsSchema,
  })
  .partial()
  .strict();
export type RuleUpdate = z.input<typeof ruleUpdateSchema>;

export const ruleSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  enabled: z.boolean(),
  position: z.number().int(),
  conditions: ruleConditionsSchema,
  effects: ruleEffectsSchema,
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type Rule = z.infer<typeof ruleSchema>;

export * from './kinds.ts';
export * from './schemas/auth.ts';
export {
  followUpStatusSchema,
  instantBounds,
  instantSchema,
  isWellFormedText,
  localeSchema,
  type Problem,
  problemSchema,
  surveyKindSchema,
} from './schemas/common.ts';
export * from './schemas/follow-up.ts';
export * from './schemas/keys.ts';
export * from './schemas/metrics.ts';
export * from './schemas/notifications.ts';
export * from './schemas/privacy.ts';
export * from './schemas/project.ts';
export * from './schemas/respondents.ts';
export * from './schemas/responses.ts';
export * from './schemas/rules.ts';
export * from './schemas/staff.ts';
export * from './schemas/surveys.ts';
export * from './schemas/webhooks.ts';
export * from './schemas/widget.ts';
export * from './scoring.ts';
export * from './workflow.ts';

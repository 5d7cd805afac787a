export * from './follow-up.ts';
export * from './kinds.ts';
export * from './metrics.ts';
export * from './schemas/webhooks.ts';
export * from './schemas.ts';
export * from './scoring.ts';
export * from './workflow.ts';

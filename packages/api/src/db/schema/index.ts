export * from './events.ts';
export * from './projects.ts';
export * from './respondents.ts';
export * from './responses.ts';
export * from './secret-keys.ts';
export * from './surveys.ts';

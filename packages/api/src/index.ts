export { type BuildAppOptions, buildApp } from './app.ts';
export { type Config, loadConfig } from './config.ts';
export { type Database, openDatabase } from './db/client.ts';
export { ingestResponses } from './services/ingest.ts';
export { createDemoProject, createProject, createSecretKey } from './services/projects.ts';
export { seedDemoData } from './services/seed.ts';
export { createStaffUser } from './services/staff.ts';

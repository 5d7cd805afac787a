/**
 * Closeloop widget, ES module entry for single-page apps:
 *
 *   import { init, identify, track } from '@closeloop/widget';
 *   init({ key: 'pk_…', apiUrl: 'https://feedback.example.com' });
 *
 * Every function is safe to call at any time (calls before `init` wait for it) and never throws.
 * The survey UI is a separate module, imported only when a survey is about to show: an app's
 * bundler splits it off, and the API's /widget.mjs imports it from beside itself.
 */
import { type InitOptions, start } from './commands.ts';

export { consent, type InitOptions, identify, reset, show, track } from './commands.ts';
export type { Traits, TraitValue } from './memory.ts';
export type { Consent } from './widget.ts';

/** Starts the widget once per page; later calls are ignored. */
export const init = (options: InitOptions): void => start(options, () => import('./ui/index.ts'));

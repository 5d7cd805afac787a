/**
 * The page's one widget and its commands, shared by both entries (index.ts, loader.ts), which differ
 * only in how they load the survey UI. Every command is safe to call at any time (calls before
 * `init` wait for it) and never throws.
 */
import type { Traits } from './memory.ts';
import { guard, warnOnce } from './safe.ts';
import type { LoadUi } from './ui-loader.ts';
import { type Consent, createWidget, type Widget } from './widget.ts';

export interface InitOptions {
  /** The project's public key (`pk_…`). */
  key: string;
  /** Where the Closeloop API is, e.g. `https://feedback.example.com`. */
  apiUrl: string;
  /** Your page's CSP nonce, used only by browsers without constructable stylesheets. */
  nonce?: string;
  /**
   * `'required'`: store nothing in the browser (history and outbox in memory only) and send no
   * identity until `consent(true)`. `'granted'`: store and identify, whatever the browser's Global
   * Privacy Control. Not set: as granted, unless the browser sends Global Privacy Control.
   */
  consent?: Consent;
}

type Command = 'identify' | 'track' | 'show' | 'reset' | 'consent';

let widget: Widget | undefined;
const waiting: [Command, unknown[]][] = [];

const call = (name: Command, args: unknown[]) =>
  guard(widget![name] as (...args: unknown[]) => void)(...args);

const command =
  (name: Command) =>
  (...args: unknown[]): void => {
    if (widget) call(name, args);
    else waiting.push([name, args]);
  };

/** Starts the widget once per page, loading the survey UI with `loadUi`; later calls are ignored. */
export const start = guard((options: InitOptions, loadUi: LoadUi): void => {
  if (widget) return;
  if (!/^pk_/.test(options?.key) || !options.apiUrl) {
    warnOnce('init needs key and apiUrl');
    return;
  }
  widget = createWidget({ ...options, loadUi });
  widget.start();
  for (const [name, args] of waiting.splice(0)) call(name, args);
});

/**
 * Tells the widget who the visitor is; `traits.locale` picks the language, `traits.email` is kept
 * with answers; `options.signature` (computed by your backend from the project's identity secret)
 * makes the identity verified.
 */
export const identify: (userId: string, traits?: Traits, options?: { signature?: string }) => void =
  command('identify');

/** Records an event of your app; surveys targeted at it may show. */
export const track: (eventName: string) => void = command('track');

/** Shows a survey now, whatever its targeting. */
export const show: (surveyId: string) => void = command('show');

/** Forgets the user and their traits (call it on logout); what each user answered stays remembered. */
export const reset: () => void = command('reset');

/**
 * The visitor's consent, from your consent banner (call it on every page view): true stores the
 * survey history and unsent answers in localStorage and sends the identity; false removes what the
 * widget stored and goes back to memory only, without identity.
 */
export const consent: (given: boolean) => void = command('consent');

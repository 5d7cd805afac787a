/**
 * Script-tag entry (dist/widget.js):
 *
 *   <script async src="https://feedback.example.com/widget.js" data-key="pk_…"></script>
 *
 * Reads its settings from its own tag, replays the commands queued by the optional stub
 *   window.closeloop = window.closeloop || function () { (closeloop.q = closeloop.q || []).push(arguments) };
 * and replaces the stub with the real command function.
 */
import { consent, type InitOptions, identify, reset, show, start, track } from './commands.ts';
import { guard, warnOnce } from './safe.ts';
import { scriptUi } from './ui-loader.ts';
import type { Consent } from './widget.ts';

/** The survey UI's file, beside this script (its name, with a content hash, is set by the build). */
declare const CLOSELOOP_UI_FILE: string | undefined;
const uiFile = typeof CLOSELOOP_UI_FILE === 'string' ? CLOSELOOP_UI_FILE : 'widget-ui.js';

interface CommandFunction {
  (name: string, ...args: unknown[]): void;
  q?: ArrayLike<unknown>[];
  loaded?: boolean;
}

guard(() => {
  const win = window as unknown as { closeloop?: CommandFunction };
  const stub = win.closeloop;
  if (stub?.loaded) return; // the script is on the page twice
  const script = document.currentScript as HTMLScriptElement | null;
  const data = script?.dataset;
  const nonce = data?.nonce || script?.nonce;
  const init = (options: InitOptions) =>
    start(
      { nonce, ...options },
      // the UI comes from where this script came from, with the page's nonce
      scriptUi(uiFile, script?.src || `${options?.apiUrl}/`, nonce),
    );
  // a plain object, not `import * as`: the bundler's namespace helper walks its keys with for…in,
  // which throws at load on a page that added enumerable properties to Object.prototype
  const commands: Record<string, (...args: never[]) => void> = {
    consent,
    identify,
    init,
    reset,
    show,
    track,
  };
  const closeloop: CommandFunction = guard((name: string, ...args: unknown[]) =>
    // biome-ignore lint/suspicious/noPrototypeBuiltins: Object.hasOwn is newer than some browsers the widget supports
    commands.hasOwnProperty(name)
      ? (commands[name] as (...args: unknown[]) => void)(...args)
      : warnOnce(`unknown command ${String(name)}`),
  );
  closeloop.loaded = true;
  win.closeloop = closeloop;
  if (data?.key) {
    init({
      key: data.key,
      // the API is where this script came from, unless data-api says otherwise
      apiUrl: data.api || new URL('.', script!.src).href,
      consent: data.consent as Consent,
    });
  }
  for (const args of (stub?.q ?? []) as Iterable<[string]>) closeloop(...args); // arguments objects are iterable
})();

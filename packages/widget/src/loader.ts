/**
 * Script-tag entry (dist/widget.js):
 *
 *   <script async src="https://feedback.example.com/widget.js" data-key="pk_…"></script>
 *
 * Reads its settings from its own tag, replays the commands queued by the optional stub
 *   window.closeloop = window.closeloop || function () { (closeloop.q = closeloop.q || []).push(arguments) };
 * and replaces the stub with the real command function.
 */
import * as commands from './index.ts';
import { guard } from './safe.ts';

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
  const closeloop: CommandFunction = guard((name: string, ...args: unknown[]) =>
    (commands as unknown as Record<string, (...args: unknown[]) => void>)[name]!(...args),
  );
  closeloop.loaded = true;
  win.closeloop = closeloop;
  const data = script?.dataset;
  if (data?.key) {
    commands.init({
      key: data.key,
      // the API is where this script came from, unless data-api says otherwise
      apiUrl: data.api || new URL('.', script!.src).href,
      nonce: data.nonce || script!.nonce,
    });
  }
  for (const args of Array.from(stub?.q ?? [])) closeloop(...(Array.from(args) as [string]));
})();

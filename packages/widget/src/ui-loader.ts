/**
 * How the core gets the survey UI, which it asks for only when a survey is due (or `show` is
 * called). The ES module entry uses `import()`; the script-tag entry uses `scriptUi` below.
 */
import type { openPanel } from './ui/index.ts';

/** What the survey UI gives the core. */
export interface SurveyUi {
  openPanel: typeof openPanel;
}

export type LoadUi = () => Promise<SurveyUi>;

/** The property of its script element on which the classic-script UI leaves itself. */
export const uiProperty = 'closeloopUi';

/**
 * Loads the classic-script build of the UI (`file`, relative to `base`) with a script element carrying the page's nonce: it
 * runs under `script-src 'self' <api>` (the file is on the API, beside widget.js) and under
 * `'nonce-…' 'strict-dynamic'` (a nonce, and inserted by a trusted script). Rejects when the file
 * cannot be loaded; the element is removed either way.
 */
export const scriptUi =
  (file: string, base: string, nonce?: string): LoadUi =>
  () =>
    new Promise((resolve, reject) => {
      const script = document.createElement('script') as HTMLScriptElement & Record<string, unknown>;
      const src = new URL(file, base).href;
      script.src = src;
      if (nonce) script.setAttribute('nonce', nonce);
      script.onload = script.onerror = () => {
        script.remove();
        const ui = script[uiProperty] as SurveyUi | undefined;
        if (ui) resolve(ui);
        else reject(src); // the address that did not load, for the one warning
      };
      (document.head ?? document.documentElement).append(script);
    });

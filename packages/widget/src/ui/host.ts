/**
 * The host element on the page: `<closeloop-widget>` with an open shadow root that holds all of the
 * widget's markup and styles. It is shown as a manual popover so it sits in the browser's top layer,
 * above any z-index the page uses. A modal `<dialog>` the page opens later goes above it and makes
 * the rest of the page inert, so while one is open the host moves inside that dialog and is shown
 * again (on top, and interactive); it moves back to <body> when the dialog closes.
 */

export interface Host {
  element: HTMLElement;
  shadow: ShadowRoot;
  /** Where the Preact tree renders. */
  container: HTMLElement;
  remove(): void;
}

/** Applies the stylesheet: constructable (CSP-proof), else a `<style>` carrying the page's nonce. */
export function applyStyles(shadow: ShadowRoot, css: string, nonce?: string): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    shadow.adoptedStyleSheets = [sheet];
    return;
  } catch {
    // older engines: fall back to a style element
  }
  const style = shadow.ownerDocument.createElement('style');
  if (nonce) style.nonce = nonce;
  style.textContent = css;
  shadow.prepend(style);
}

function topModalDialog(doc: Document): HTMLDialogElement | undefined {
  const open = doc.querySelectorAll('dialog[open]');
  for (let i = open.length - 1; i >= 0; i--) {
    const dialog = open[i] as HTMLDialogElement;
    try {
      if (dialog.matches(':modal')) return dialog;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function mountHost(doc: Document, css: string, nonce?: string): Host {
  const element = doc.createElement('closeloop-widget');
  const shadow = element.attachShadow({ mode: 'open' });
  applyStyles(shadow, css, nonce);
  const container = doc.createElement('div');
  shadow.append(container);
  const popover = typeof element.showPopover === 'function';
  if (popover) element.setAttribute('popover', 'manual');

  const raise = () => {
    if (!popover) return;
    try {
      if (element.matches(':popover-open')) element.hidePopover();
      element.showPopover();
    } catch {
      // not connected (yet): the next placement shows it
    }
  };

  const place = () => {
    const target = topModalDialog(doc) ?? doc.body;
    if (!target || (element.parentNode === target && element.isConnected)) return;
    const focused = shadow.activeElement as HTMLElement | null;
    target.append(element);
    raise();
    focused?.focus({ preventScroll: true });
  };

  const observer = new MutationObserver(() => {
    try {
      place();
    } catch {
      // keep observing
    }
  });
  place();
  // `open` toggles on dialogs; childList notices a dialog being removed while open, with us inside.
  observer.observe(doc.documentElement, {
    subtree: true,
    attributes: true,
    attributeFilter: ['open'],
    childList: true,
  });

  return {
    element,
    shadow,
    container,
    remove() {
      observer.disconnect();
      try {
        if (popover && element.matches(':popover-open')) element.hidePopover();
      } catch {
        // already hidden
      }
      element.remove();
    },
  };
}

/**
 * The host element on the page: `<closeloop-widget>` with an open shadow root that holds all of the
 * widget's markup and styles. It is shown as a manual popover so it sits in the browser's top layer,
 * above any z-index the page uses. A modal `<dialog>` the page opens later goes above it and makes
 * the rest of the page inert, so while one is open the host moves inside that dialog and is shown
 * again (on top, and interactive); it moves back to <body> when the dialog closes. The same goes
 * for an element the page puts in fullscreen. A popover the page shows later would cover it too:
 * the host is shown again above it.
 */

import { guard } from '../safe.ts';

export interface Host {
  element: HTMLElement;
  shadow: ShadowRoot;
  /** Where the view goes. */
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

/** The modal dialog around a node, looking up through slots and shadow roots. */
function modalAround(node: Node | null | undefined): HTMLDialogElement | undefined {
  try {
    for (; node; node = (node as Element).assignedSlot ?? node.parentNode ?? (node as ShadowRoot).host)
      if (node instanceof HTMLDialogElement && node.matches(':modal')) return node;
  } catch {
    // no :modal in this engine
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

  /** Shows the host again, so that it is the newest, topmost element of the top layer. */
  const raise = (focused = shadow.activeElement as HTMLElement | null) => {
    if (!popover) return;
    try {
      if (element.matches(':popover-open')) element.hidePopover();
      element.showPopover();
    } catch {
      // not connected (yet): the next placement shows it
    }
    // hiding and moving the host lose the focus inside it
    focused?.focus({ preventScroll: true });
  };

  // A modal dialog inside a web component's shadow root is out of reach of document queries and
  // observers; it is found from where its focus goes (it takes focus when it opens).
  let shadowModal: HTMLDialogElement | undefined;

  /** Puts the host where it can be seen and used; `again`: shows it on top even if it stays. */
  const place = (again?: boolean) => {
    // Chromium makes what is outside a fullscreen element unreachable, like a modal dialog does;
    // a video or an iframe cannot hold the host, which then only shows again on top
    const fullscreen = doc.fullscreenElement;
    const target =
      (shadowModal?.isConnected && shadowModal.matches(':modal') ? shadowModal : null) ??
      topModalDialog(doc) ??
      (fullscreen && !/^(VIDEO|IFRAME|CANVAS|IMG|EMBED|OBJECT)$/.test(fullscreen.tagName)
        ? fullscreen
        : null) ??
      doc.body;
    if (!target) return;
    if (element.parentNode === target && element.isConnected) {
      if (again) raise();
      return;
    }
    const focused = shadow.activeElement as HTMLElement | null;
    target.append(element);
    raise(focused);
  };

  // A popover (or a <dialog>) of the page that opened after the host; toggle events do not bubble,
  // so they are caught on their way down. Fullscreen elements enter the top layer too.
  const onTopLayer = guard((event: Event) => {
    if (event.target !== element && (event as ToggleEvent).newState !== 'closed') place(true);
  });
  doc.addEventListener('toggle', onTopLayer, true);
  doc.addEventListener('fullscreenchange', onTopLayer);

  /** Notes the modal dialog around where focus is, if it is inside a shadow root, and places the host. */
  const focusedAt = (node: Node | null | undefined) => {
    const dialog = modalAround(node);
    const root = dialog?.getRootNode();
    shadowModal = root instanceof ShadowRoot ? dialog : undefined;
    // its closing (`open`) or removal is then noticed like that of the page's own dialogs
    if (root instanceof ShadowRoot) observer.observe(root, watched);
    place();
  };
  const onFocus = guard((event: FocusEvent) => focusedAt(event.composedPath()[0] as Node));
  doc.addEventListener('focusin', onFocus, true);

  const observer = new MutationObserver(() => {
    try {
      place();
    } catch {
      // keep observing
    }
  });
  // `open` toggles on dialogs; childList notices a dialog being removed while open, with us inside.
  const watched: MutationObserverInit = {
    subtree: true,
    attributes: true,
    attributeFilter: ['open'],
    childList: true,
  };
  let active = doc.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  focusedAt(active);
  observer.observe(doc.documentElement, watched);

  return {
    element,
    shadow,
    container,
    remove() {
      observer.disconnect();
      doc.removeEventListener('toggle', onTopLayer, true);
      doc.removeEventListener('fullscreenchange', onTopLayer);
      doc.removeEventListener('focusin', onFocus, true);
      try {
        if (popover && element.matches(':popover-open')) element.hidePopover();
      } catch {
        // already hidden
      }
      element.remove();
    },
  };
}

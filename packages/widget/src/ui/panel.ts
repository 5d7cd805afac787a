import type { Appearance, SurveyTexts } from '@closeloop/shared';
import { directionOf, stringsFor } from '../i18n.ts';
import { guard } from '../safe.ts';
import type { WidgetSurvey } from '../targeting.ts';
import { mountHost } from './host.ts';
import { widgetCss } from './styles.ts';
import { surveyView } from './survey.ts';

export interface PanelOptions {
  document: Document;
  survey: WidgetSurvey;
  texts: SurveyTexts;
  /** The locale of `texts`; built-in strings and direction follow it. */
  locale: string;
  appearance: Appearance;
  nonce?: string | undefined;
  onScore(score: number): void;
  onComment(comment: string): void;
  /** `answered` is false when the visitor closed it before choosing a score. */
  onClose(answered: boolean): void;
}

export interface Panel {
  /** The `<closeloop-widget>` host element. */
  element: HTMLElement;
  /** Closes the panel (onClose runs once) and returns focus to the last element focused on the page. */
  close(): void;
}

/** How long the thank-you stays before the panel closes by itself. */
export const thanksMs = 4000;

/** Shows one survey: owns its host element, its steps and focus handling. */
export function openPanel(options: PanelOptions): Panel {
  const doc = options.document;
  const host = mountHost(doc, widgetCss(options.appearance), options.nonce);
  let answered = false;
  let closed = false;
  let closeTimer: ReturnType<typeof setTimeout> | undefined;

  // Where focus goes back on close: the last element focused on the page outside the widget (the
  // visitor may have been somewhere else in between, or nowhere when the widget appeared).
  let previousFocus = doc.activeElement as HTMLElement | null;
  const onFocus = guard((event: FocusEvent) => {
    if (!event.composedPath().includes(host.element)) previousFocus = event.target as HTMLElement;
  });
  doc.addEventListener('focusin', onFocus, true);

  const focus = (selector: string) =>
    (host.shadow.querySelector(selector) as HTMLElement | null)?.focus({ preventScroll: true });

  const close = guard(() => {
    if (closed) return;
    closed = true;
    clearTimeout(closeTimer);
    doc.removeEventListener('focusin', onFocus, true);
    const focusWasInside = !!host.shadow.activeElement;
    host.remove();
    if (focusWasInside && previousFocus !== doc.body) previousFocus?.focus?.({ preventScroll: true });
    options.onClose(answered);
  });

  const view = surveyView({
    kind: options.survey.kind,
    texts: options.texts,
    strings: stringsFor(options.locale),
    locale: options.locale,
    dir: directionOf(options.locale),
    theme: options.appearance.theme,
    onPick: guard((score: number) => {
      answered = true;
      options.onScore(score);
      view.comment(score);
      focus('textarea');
    }),
    // after the comment the text field is gone: focus stays in the panel (on its close button)
    // while the thank-you is announced, and the panel closes by itself
    onComment: guard((comment: string) => {
      if (comment) options.onComment(comment);
      view.thanks();
      focus('.close');
      closeTimer = setTimeout(close, thanksMs);
    }),
    onClose: close,
  });
  host.container.append(view.root);

  // Take focus only when the visitor has nothing focused on the page: a survey appearing must never
  // steal keystrokes from a form being filled in.
  const active = doc.activeElement;
  if (!active || active === doc.body || active === doc.documentElement) focus('[tabindex="0"]');
  return { element: host.element, close: close as () => void };
}

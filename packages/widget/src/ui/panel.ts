import type { Appearance, SurveyTexts } from '@closeloop/shared';
import { directionOf, stringsFor } from '../i18n.ts';
import { guard } from '../safe.ts';
import type { WidgetSurvey } from '../targeting.ts';
import { mountHost } from './host.ts';
import { widgetCss } from './styles.ts';
import { type Step, surveyView } from './survey.ts';

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
  /** Closes the panel (onClose runs once) and returns focus to where it was. */
  close(): void;
}

/** How long the thank-you stays before the panel closes by itself. */
export const thanksMs = 4000;

/** Shows one survey: owns its host element, its step and focus handling. */
export function openPanel(options: PanelOptions): Panel {
  const doc = options.document;
  const previousFocus = doc.activeElement as HTMLElement | null;
  const host = mountHost(doc, widgetCss(options.appearance), options.nonce);
  const strings = stringsFor(options.locale);
  let step: Step = 'score';
  let score: number | null = null;
  let focusIndex = 0;
  let closed = false;
  let closeTimer: ReturnType<typeof setTimeout> | undefined;

  const focus = (selector: string) =>
    (host.shadow.querySelector(selector) as HTMLElement | null)?.focus({ preventScroll: true });

  const close = guard(() => {
    if (closed) return;
    closed = true;
    clearTimeout(closeTimer);
    const focusWasInside = !!host.shadow.activeElement;
    host.remove();
    if (focusWasInside && previousFocus !== doc.body) previousFocus?.focus?.({ preventScroll: true });
    options.onClose(score !== null);
  });

  /** Applies a state change, rebuilds the view and puts focus where the next step begins. */
  const update = (change: () => void, focusSelector: string) =>
    guard(() => {
      change();
      draw();
      focus(focusSelector);
    })();

  const draw = () =>
    host.container.replaceChildren(
      surveyView({
        kind: options.survey.kind,
        texts: options.texts,
        strings,
        locale: options.locale,
        dir: directionOf(options.locale),
        theme: options.appearance.theme,
        step,
        score,
        focusIndex,
        onPick: (picked) =>
          update(() => {
            score = picked;
            step = 'comment';
            options.onScore(picked);
          }, 'textarea'),
        onMove: (index) => update(() => (focusIndex = index), '[tabindex="0"]'),
        // after the comment the text field is gone: focus stays in the panel (on its close
        // button) while the thank-you is announced, and the panel closes by itself
        onComment: (comment) =>
          update(() => {
            if (comment) options.onComment(comment);
            step = 'thanks';
            closeTimer = setTimeout(close, thanksMs);
          }, '.close'),
        onClose: close,
      }),
    );

  draw();
  // Take focus only when the visitor has nothing focused on the page: a survey appearing must never
  // steal keystrokes from a form being filled in.
  const active = doc.activeElement;
  if (!active || active === doc.body || active === doc.documentElement) focus('[tabindex="0"]');
  return { element: host.element, close: close as () => void };
}

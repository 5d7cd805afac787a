import type { Appearance, ResponseInput } from '@closeloop/shared';
import { render } from 'preact';
import { contextOf, respondentOf } from '../context.ts';
import { pickTexts } from '../locale.ts';
import type { VisitorMemory } from '../memory.ts';
import { guard } from '../safe.ts';
import type { WidgetSurvey } from '../targeting.ts';
import { h } from './h.ts';
import { mountHost } from './host.ts';
import { widgetCss } from './styles.ts';
import { Survey } from './survey.ts';

export interface PanelOptions {
  window: Window;
  survey: WidgetSurvey;
  /** The visitor's locale: the survey's texts are picked for it, and it goes with the response. */
  locale: string;
  appearance: Appearance;
  nonce?: string | undefined;
  /** The id of the response this panel gives (a UUID). */
  responseId: string;
  /** Who is answering, read when the score is chosen. */
  visitor(): VisitorMemory;
  now(): number;
  /** The response when the score is chosen, and again with the comment when one is sent (same id). */
  onResponse(response: ResponseInput): void;
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

/**
 * Shows one survey: owns its host element, renders the survey into it, composes the response,
 * handles focus and closing. Shows nothing (undefined) for a survey without texts.
 */
export function openPanel(options: PanelOptions): Panel | undefined {
  const { survey, window: win } = options;
  const doc = win.document;
  const chosen = pickTexts(survey.texts ?? {}, survey.defaultLocale, options.locale);
  if (!chosen) return undefined;
  let response: ResponseInput | undefined;
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
    render(null, host.container);
    host.remove();
    if (focusWasInside && previousFocus !== doc.body) previousFocus?.focus?.({ preventScroll: true });
    options.onClose(answered);
  });

  render(
    h(Survey, {
      kind: survey.kind,
      texts: chosen.texts,
      locale: chosen.locale,
      theme: options.appearance.theme,
      onPick: guard((score: number) => {
        answered = true;
        response = {
          id: options.responseId,
          surveyId: survey.id,
          score,
          respondent: respondentOf(options.visitor()),
          context: contextOf(win, options.locale),
          submittedAt: new Date(options.now()).toISOString(),
        };
        options.onResponse(response);
      }),
      onComment: guard((comment: string) => {
        // the same id again: the API adds the comment to the response it already has
        if (comment && response) options.onResponse({ ...response, comment });
        closeTimer = setTimeout(close, thanksMs);
      }),
      onClose: close,
      // After the score the comment field takes focus; after the comment the field is gone, so focus
      // stays in the panel (on its close button) while the thank-you is announced.
      onStep: guard((step) => {
        if (step === 'comment') focus('textarea');
        if (step === 'thanks') focus('.close');
      }),
    }),
    host.container,
  );

  // Take focus only when the visitor has nothing focused on the page: a survey appearing must never
  // steal keystrokes from a form being filled in.
  const active = doc.activeElement;
  if (!active || active === doc.body || active === doc.documentElement) focus('[tabindex="0"]');
  return { element: host.element, close: close as () => void };
}

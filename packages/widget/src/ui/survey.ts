import type { SurveyTexts } from '@closeloop/shared';
import { type SurveyKind, scoreBand, scoreRanges } from '@closeloop/shared/kinds';
import { type Strings, Text } from '../i18n.ts';
import { h } from './dom.ts';

export interface SurveyViewProps {
  kind: SurveyKind;
  texts: SurveyTexts;
  strings: Strings;
  locale: string;
  dir: 'ltr' | 'rtl';
  theme: 'auto' | 'light' | 'dark';
  onPick(score: number): void;
  onComment(comment: string): void;
  onClose(): void;
}

/** The survey panel on screen; its root (the dialog) stays the same element from start to end. */
export interface SurveyView {
  root: HTMLElement;
  /** Replaces the scale with the comment prompt that fits the score. */
  comment(score: number): void;
  /** Replaces the content with the thank-you, in the live region that was there from the start. */
  thanks(): void;
}

const bands = ['negative', 'neutral', 'positive'] as const;

/** The follow-up prompt for a score: the survey's text for its band, else the built-in one. */
export function followUpPrompt(
  kind: SurveyKind,
  score: number,
  texts: SurveyTexts,
  strings: Strings,
): string {
  const band = scoreBand(kind, score);
  return texts.followUp?.[band] ?? strings[Text.FollowUp + bands.indexOf(band)]!;
}

const arrows: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

/** The option an arrow, Home or End key moves to (wrapping around; left and right mirrored in rtl). */
export function nextIndex(key: string, index: number, count: number, dir: 'ltr' | 'rtl'): number | undefined {
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  const delta = arrows[key];
  if (!delta) return undefined;
  return (index + (dir === 'rtl' && /Left|Right/.test(key) ? -delta : delta) + count) % count;
}

/**
 * The survey panel (see panel.ts for its behaviour). Built once: the dialog, its close button and
 * its `aria-live` region stay the same nodes while the step content inside is swapped, so the
 * entrance animation plays once, screen readers do not enter the dialog again, and the live region
 * announces the thank-you. The scale is a radiogroup with a roving tabindex: arrow keys, Home and
 * End move focus between the same buttons; Space, Enter or a click chooses.
 */
export function surveyView(props: SurveyViewProps): SurveyView {
  const { kind, texts, strings } = props;
  const { min, max } = scoreRanges[kind];
  const lowText = kind === 'nps' ? Text.NpsLow : Text.CesLow;
  // CSAT options carry their own text labels; NPS and CES label the two ends of the scale
  const ends = kind !== 'csat' && [
    texts.lowLabel ?? strings[lowText],
    texts.highLabel ?? strings[lowText + 1],
  ];

  const options: HTMLElement[] = [];
  for (let value = min; value <= max; value++) {
    options.push(
      h(
        'button',
        {
          type: 'button',
          role: 'radio',
          class: 'opt',
          'aria-checked': false,
          'aria-describedby': ends ? (value === min ? 'cl-lo' : value === max ? 'cl-hi' : null) : null,
          tabindex: value === min ? 0 : -1,
          onclick: () => props.onPick(value),
        },
        kind === 'csat' ? strings[Text.Csat + value - 1] : value,
      ),
    );
  }
  let focusIndex = 0;
  let scale = true;
  const move = (index: number) => {
    options[focusIndex]!.setAttribute('tabindex', '-1');
    options[index]!.setAttribute('tabindex', '0');
    options[index]!.focus({ preventScroll: true });
    focusIndex = index;
  };

  const content = h(
    'div',
    null,
    h('p', { class: 'q', id: 'cl-q' }, texts.question),
    h('div', { role: 'radiogroup', 'aria-labelledby': 'cl-q', class: `scale ${kind}` }, options),
    ends &&
      h('p', { class: 'ends' }, h('span', { id: 'cl-lo' }, ends[0]), h('span', { id: 'cl-hi' }, ends[1])),
  );
  // present from the start and never redrawn, so screen readers announce the thank-you
  const live = h('p', { class: 'thanks', 'aria-live': 'polite' });

  const root = h(
    'div',
    {
      class: `root ${props.theme}`,
      dir: props.dir,
      lang: props.locale,
      role: 'dialog',
      'aria-label': texts.question,
      onkeydown: (event: KeyboardEvent) => {
        // Escape during an input method composition (Japanese, Chinese…) cancels the composition only
        if (event.isComposing) return;
        const closing = event.key === 'Escape';
        const next = scale ? nextIndex(event.key, focusIndex, options.length, props.dir) : undefined;
        if (!closing && next === undefined) return;
        // handled here: neither the browser (which would close the page's modal dialog on Escape)
        // nor the page's own key handlers see it
        event.preventDefault();
        event.stopPropagation();
        if (closing) props.onClose();
        else move(next!);
      },
    },
    h(
      'div',
      { class: 'in' },
      h(
        'button',
        { type: 'button', class: 'close', 'aria-label': strings[Text.Close], onclick: props.onClose },
        '×',
      ),
      content,
      live,
    ),
  );

  return {
    root,
    comment(score) {
      scale = false;
      content.replaceChildren(
        h(
          'form',
          {
            onsubmit: (event: SubmitEvent) => {
              event.preventDefault();
              props.onComment((event.currentTarget as HTMLFormElement).comment.value.trim());
            },
          },
          h('label', { class: 'q', for: 'cl-c' }, followUpPrompt(kind, score, texts, strings)),
          h('textarea', { id: 'cl-c', name: 'comment', rows: 3, maxlength: 5000 }),
          h('button', { type: 'submit', class: 'send' }, strings[Text.Send]),
        ),
      );
    },
    thanks() {
      scale = false;
      content.replaceChildren();
      live.textContent = texts.thankYou ?? strings[Text.Thanks]!;
    },
  };
}

import type { SurveyTexts } from '@closeloop/shared';
import { type SurveyKind, scoreBand, scoreRanges } from '@closeloop/shared/kinds';
import { type Strings, Text } from '../i18n.ts';
import { h } from './dom.ts';

export type Step = 'score' | 'comment' | 'thanks';

export interface SurveyViewProps {
  kind: SurveyKind;
  texts: SurveyTexts;
  strings: Strings;
  locale: string;
  dir: 'ltr' | 'rtl';
  theme: 'auto' | 'light' | 'dark';
  step: Step;
  score: number | null;
  /** Index of the option holding the roving tabindex. */
  focusIndex: number;
  onPick(score: number): void;
  onMove(index: number): void;
  onComment(comment: string): void;
  onClose(): void;
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
 * The survey panel for the controller's state (see panel.ts). The scale is a radiogroup with a
 * roving tabindex: arrow keys, Home and End move focus; Space, Enter or a click chooses.
 */
export function surveyView(props: SurveyViewProps): HTMLElement {
  const { kind, texts, strings, step, score } = props;
  const { min, max } = scoreRanges[kind];
  const lowText = kind === 'nps' ? Text.NpsLow : Text.CesLow;
  // CSAT options carry their own text labels; NPS and CES label the two ends of the scale
  const ends = kind !== 'csat' && [
    texts.lowLabel ?? strings[lowText],
    texts.highLabel ?? strings[lowText + 1],
  ];

  const options = [];
  for (let value = min; value <= max; value++) {
    options.push(
      h(
        'button',
        {
          type: 'button',
          role: 'radio',
          class: 'opt',
          'aria-checked': score === value,
          'aria-describedby': ends ? (value === min ? 'cl-lo' : value === max ? 'cl-hi' : null) : null,
          tabindex: value - min === props.focusIndex ? 0 : -1,
          onclick: () => props.onPick(value),
        },
        kind === 'csat' ? strings[Text.Csat + value - 1] : value,
      ),
    );
  }

  return h(
    'div',
    {
      class: `root ${props.theme}`,
      dir: props.dir,
      lang: props.locale,
      role: 'dialog',
      'aria-label': texts.question,
      onkeydown: (event: KeyboardEvent) => {
        if (event.key === 'Escape') return props.onClose();
        const next =
          step === 'score' ? nextIndex(event.key, props.focusIndex, options.length, props.dir) : undefined;
        if (next === undefined) return;
        event.preventDefault();
        props.onMove(next);
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
      step === 'score' && [
        h('p', { class: 'q', id: 'cl-q' }, texts.question),
        h('div', { role: 'radiogroup', 'aria-labelledby': 'cl-q', class: `scale ${kind}` }, options),
        ends &&
          h('p', { class: 'ends' }, h('span', { id: 'cl-lo' }, ends[0]), h('span', { id: 'cl-hi' }, ends[1])),
      ],
      step === 'comment' &&
        h(
          'form',
          {
            onsubmit: (event: SubmitEvent) => {
              event.preventDefault();
              props.onComment((event.currentTarget as HTMLFormElement).comment.value.trim());
            },
          },
          h('label', { class: 'q', for: 'cl-c' }, followUpPrompt(kind, score!, texts, strings)),
          h('textarea', { id: 'cl-c', name: 'comment', rows: 3, maxlength: 5000 }),
          h('button', { type: 'submit', class: 'send' }, strings[Text.Send]),
        ),
      // present from the start, so screen readers announce the thank-you when it appears
      h(
        'p',
        { class: 'thanks', 'aria-live': 'polite' },
        step === 'thanks' && (texts.thankYou ?? strings[Text.Thanks]),
      ),
    ),
  );
}

import type { Appearance, SurveyTexts } from '@closeloop/shared';
import { type SurveyKind, scoreBand, scoreRanges } from '@closeloop/shared/kinds';
import { Component } from 'preact';
import { h } from './h.ts';
import { directionOf, type Strings, stringsFor, Text } from './i18n.ts';

/** The three steps of a survey on screen. */
export type Step = 'score' | 'comment' | 'thanks';

export interface SurveyProps {
  kind: SurveyKind;
  texts: SurveyTexts;
  /** The locale of `texts`; the built-in strings and the direction follow it. */
  locale: string;
  theme: Appearance['theme'];
  /** Shows this step instead of following the visitor (previews); the comment prompt is the one of `score`. */
  step?: Step | undefined;
  score?: number | undefined;
  onPick?(score: number): void;
  /** The comment as typed, trimmed (may be empty). */
  onComment?(comment: string): void;
  onClose?(): void;
  /** After a step is on screen, with the dialog element (the panel moves focus there). */
  onStep?(step: Step, dialog: HTMLElement): void;
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
 * One survey on screen: the score scale, then the comment prompt that fits the score, then the
 * thank-you. The dialog, its close button and its `aria-live` region stay the same nodes from step
 * to step (only the step content inside is swapped), so the entrance animation plays once, screen
 * readers do not enter the dialog again, and the live region announces the thank-you. The scale is a
 * radiogroup with a roving tabindex: arrow keys, Home and End move focus between the same buttons;
 * Space, Enter or a click chooses. Escape closes (and is kept from the page).
 *
 * A class component: its state is two fields, and Preact's hooks would add 1 KB (gzip) to the UI.
 */
export class Survey extends Component<SurveyProps, { step: Step; score: number; focusIndex: number }> {
  override state = { step: 'score' as Step, score: 0, focusIndex: 0 };
  private dialog: HTMLElement | null = null;
  private options: HTMLElement[] = [];

  override componentDidMount() {
    this.stepShown();
  }

  override componentDidUpdate(props: SurveyProps, state: { step: Step }) {
    if ((props.step ?? state.step) !== (this.props.step ?? this.state.step)) this.stepShown();
  }

  private stepShown() {
    if (this.dialog) this.props.onStep?.(this.props.step ?? this.state.step, this.dialog);
  }

  private move(index: number) {
    this.setState({ focusIndex: index });
    this.options[index]?.focus({ preventScroll: true });
  }

  override render(props: SurveyProps) {
    const { kind, texts } = props;
    const { focusIndex } = this.state;
    const step = props.step ?? this.state.step;
    const score = props.score ?? this.state.score;
    const strings = stringsFor(props.locale);
    const dir = directionOf(props.locale);
    const { min, max } = scoreRanges[kind];
    const lowText = kind === 'nps' ? Text.NpsLow : Text.CesLow;
    // CSAT options carry their own text labels; NPS and CES label the two ends of the scale
    const ends = kind !== 'csat' && [
      texts.lowLabel ?? strings[lowText],
      texts.highLabel ?? strings[lowText + 1],
    ];

    const scale = [];
    for (let value = min; value <= max; value++) {
      const index = value - min;
      scale.push(
        h(
          'button',
          {
            type: 'button',
            role: 'radio',
            class: 'opt',
            'aria-checked': false,
            'aria-describedby': ends ? (value === min ? 'cl-lo' : value === max ? 'cl-hi' : null) : null,
            tabindex: index === focusIndex ? 0 : -1,
            ref: (element: HTMLElement | null) => {
              if (element) this.options[index] = element;
            },
            onFocus: () => this.setState({ focusIndex: index }),
            onClick: () => {
              this.setState({ step: 'comment', score: value });
              props.onPick?.(value);
            },
          },
          kind === 'csat' ? strings[Text.Csat + index] : value,
        ),
      );
    }

    const content =
      step === 'score'
        ? [
            h('p', { class: 'q', id: 'cl-q' }, texts.question),
            h('div', { role: 'radiogroup', 'aria-labelledby': 'cl-q', class: `scale ${kind}` }, scale),
            ends &&
              h(
                'p',
                { class: 'ends' },
                h('span', { id: 'cl-lo' }, ends[0]),
                h('span', { id: 'cl-hi' }, ends[1]),
              ),
          ]
        : step === 'comment' &&
          h(
            'form',
            {
              onSubmit: (event: SubmitEvent) => {
                event.preventDefault();
                const field = (event.currentTarget as HTMLFormElement).elements.namedItem('comment');
                this.setState({ step: 'thanks' });
                props.onComment?.((field as HTMLTextAreaElement).value.trim());
              },
            },
            h('label', { class: 'q', for: 'cl-c' }, followUpPrompt(kind, score, texts, strings)),
            h('textarea', { id: 'cl-c', name: 'comment', rows: 3, maxlength: 5000 }),
            h('button', { type: 'submit', class: 'send' }, strings[Text.Send]),
          );

    return h(
      'div',
      {
        ref: (element: HTMLElement | null) => {
          this.dialog = element;
        },
        class: `root ${props.theme}`,
        dir,
        lang: props.locale,
        role: 'dialog',
        'aria-label': texts.question,
        onKeyDown: (event: KeyboardEvent) => {
          // Escape during an input method composition (Japanese, Chinese…) cancels the composition only
          if (event.isComposing) return;
          const closing = event.key === 'Escape';
          const from = this.options.indexOf(event.target as HTMLElement);
          const next =
            step === 'score'
              ? nextIndex(event.key, from < 0 ? focusIndex : from, max - min + 1, dir)
              : undefined;
          if (!closing && next === undefined) return;
          // handled here: neither the browser (which would close the page's modal dialog on Escape)
          // nor the page's own key handlers see it
          event.preventDefault();
          event.stopPropagation();
          if (closing) props.onClose?.();
          else this.move(next!);
        },
      },
      h(
        'div',
        { class: 'in' },
        h(
          'button',
          {
            type: 'button',
            class: 'close',
            'aria-label': strings[Text.Close],
            onClick: () => props.onClose?.(),
          },
          '×',
        ),
        h('div', null, content),
        // present from the start and never redrawn, so screen readers announce the thank-you
        h(
          'p',
          { class: 'thanks', 'aria-live': 'polite' },
          step === 'thanks' ? (texts.thankYou ?? strings[Text.Thanks]) : '',
        ),
      ),
    );
  }
}

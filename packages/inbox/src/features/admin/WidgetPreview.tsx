import type { Appearance, SurveyTexts } from '@closeloop/shared';
import { type ScoreBand, type SurveyKind, scoreBand, scoreRanges } from '@closeloop/shared/kinds';
import { type Step, SurveyPreview } from '@closeloop/widget/preview';
import { useState } from 'preact/hooks';

/** A score of the band, for showing that band's follow-up prompt: the lowest, the highest, or one between. */
function scoreOf(kind: SurveyKind, band: ScoreBand): number {
  const { min, max } = scoreRanges[kind];
  if (band === 'negative') return min;
  if (band === 'positive') return max;
  for (let score = min; score <= max; score++) if (scoreBand(kind, score) === 'neutral') return score;
  return max;
}

const views: { label: string; step: Step; band?: ScoreBand }[] = [
  { label: 'Score', step: 'score' },
  { label: 'Comment, negative', step: 'comment', band: 'negative' },
  { label: 'Comment, neutral', step: 'comment', band: 'neutral' },
  { label: 'Comment, positive', step: 'comment', band: 'positive' },
  { label: 'Thank-you', step: 'thanks' },
];

/**
 * The widget as visitors see it, live: the survey UI of the widget package itself, in a box that
 * stands for the visitor's window, at the chosen position, in the brand colour and theme, with the
 * texts (and built-in strings) of `locale`. Each step can be looked at, and the preview can be used
 * like the real thing (choosing a score shows its follow-up prompt); it sends nothing.
 */
export function WidgetPreview(props: {
  kind: SurveyKind;
  texts: SurveyTexts;
  locale: string;
  appearance: Pick<Appearance, 'brandColor' | 'position' | 'theme'>;
}) {
  const [view, setView] = useState<{ step: Step; score: number }>({
    step: 'score',
    score: scoreRanges[props.kind].min,
  });
  const question = props.texts.question.trim() ? props.texts.question : '…';
  const current = (option: (typeof views)[number]) =>
    option.step === view.step &&
    (!option.band ||
      scoreBand(props.kind, Math.min(view.score, scoreRanges[props.kind].max)) === option.band);
  return (
    <section class="card widget-preview" aria-labelledby="widget-preview-title">
      <h2 id="widget-preview-title">Preview</h2>
      <fieldset class="tabs preview-steps">
        <legend class="visually-hidden">Step shown</legend>
        {views.map((option) => (
          <button
            type="button"
            key={option.label}
            aria-pressed={current(option)}
            onClick={() =>
              setView({
                step: option.step,
                score: option.band ? scoreOf(props.kind, option.band) : view.score,
              })
            }
          >
            {option.label}
          </button>
        ))}
      </fieldset>
      <div class="preview-window">
        <SurveyPreview
          kind={props.kind}
          texts={{ ...props.texts, question }}
          locale={props.locale}
          appearance={props.appearance}
          step={view.step}
          score={Math.min(view.score, scoreRanges[props.kind].max)}
          onStepChange={(step, score) => setView({ step, score: score ?? view.score })}
        />
      </div>
      <p class="muted">As visitors see it; try it out — nothing is sent.</p>
    </section>
  );
}

/**
 * The survey as visitors see it, for previews in the inbox (`@closeloop/widget/preview`): the same
 * component, stylesheet and shadow root as on a site, placed in the preview's box instead of the
 * viewport. It never takes focus by itself and sends nothing.
 */
import type { Appearance, SurveyTexts } from '@closeloop/shared';
import type { SurveyKind } from '@closeloop/shared/kinds';
import { Component, render } from 'preact';
import { h } from './h.ts';
import { widgetCss } from './styles.ts';
import { type Step, Survey } from './survey.ts';

export type { Step } from './survey.ts';

export interface SurveyPreviewProps {
  kind: SurveyKind;
  texts: SurveyTexts;
  /** The locale of `texts`: the built-in strings and the direction follow it. */
  locale: string;
  appearance: Pick<Appearance, 'brandColor' | 'position' | 'theme'>;
  /** The step shown; for `comment`, the prompt is the one of `score`. */
  step: Step;
  score?: number;
  /** Called when the preview is used like the real thing: a score chosen, a comment sent, closed. */
  onStepChange?(step: Step, score?: number): void;
}

/**
 * Renders the survey into a shadow root of its own element, which the page places and sizes (the
 * panel is positioned in it as on a site, so give it `position: relative` and a height).
 */
export class SurveyPreview extends Component<SurveyPreviewProps> {
  private element: HTMLElement | null = null;
  private container: HTMLElement | undefined;
  private sheet: CSSStyleSheet | undefined;

  override componentDidMount() {
    this.draw(this.props);
  }

  override shouldComponentUpdate(next: SurveyPreviewProps) {
    // the outer element stays as it is; only the survey inside its shadow root is drawn again
    this.draw(next);
    return false;
  }

  override componentWillUnmount() {
    if (this.container) render(null, this.container);
  }

  private draw(props: SurveyPreviewProps) {
    if (!this.element) return;
    if (!this.container) {
      const shadow = this.element.attachShadow({ mode: 'open' });
      this.sheet = new CSSStyleSheet();
      shadow.adoptedStyleSheets = [this.sheet];
      this.container = document.createElement('div');
      shadow.append(this.container);
    }
    this.sheet!.replaceSync(widgetCss(props.appearance, true));
    render(
      h(Survey, {
        kind: props.kind,
        texts: props.texts,
        locale: props.locale,
        theme: props.appearance.theme,
        step: props.step,
        score: props.score,
        onPick: (score: number) => props.onStepChange?.('comment', score),
        onComment: () => props.onStepChange?.('thanks', props.score),
        onClose: () => props.onStepChange?.('score'),
      }),
      this.container,
    );
  }

  override render() {
    return h('div', {
      class: 'closeloop-preview',
      ref: (element: HTMLElement | null) => {
        this.element = element;
      },
    });
  }
}

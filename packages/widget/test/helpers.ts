import type { WidgetConfig } from '@closeloop/shared';
import type { StorageLike } from '../src/storage.ts';
import type { WidgetSurvey } from '../src/targeting.ts';

export const apiUrl = 'https://api.closeloop.test/';
export const publicKey = 'pk_test';

/** A Storage shared by every "page load" of a test, like a browser profile's localStorage. */
export function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
  };
}

let counter = 0;
/** A valid-looking UUID that tells surveys apart in failure messages. */
export const surveyId = (n = ++counter) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

type SurveyOverrides = Partial<Omit<WidgetSurvey, 'targeting' | 'recontact'>> & {
  targeting?: Partial<WidgetSurvey['targeting']>;
  recontact?: Partial<WidgetSurvey['recontact']>;
};

export function makeSurvey(overrides: SurveyOverrides = {}): WidgetSurvey {
  const { targeting, recontact, ...rest } = overrides;
  return {
    id: surveyId(),
    kind: 'nps',
    defaultLocale: 'en',
    texts: { en: { question: 'How likely are you to recommend us?' } },
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...rest,
    targeting: {
      urlInclude: [],
      urlExclude: [],
      delaySeconds: 0,
      onEvent: null,
      samplePercent: 100,
      ...targeting,
    },
    recontact: { showOnce: false, afterDays: 90, ...recontact },
  };
}

export function makeConfig(
  surveys: WidgetSurvey[],
  appearance: Partial<WidgetConfig['appearance']> = {},
): WidgetConfig {
  return {
    projectId: '11111111-1111-4111-8111-111111111111',
    appearance: {
      brandColor: '#4f46e5',
      position: 'bottom-right',
      theme: 'auto',
      cooldownDays: 0,
      ...appearance,
    },
    surveys,
  };
}

export const day = 24 * 60 * 60 * 1000;

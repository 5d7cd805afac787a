import { describe, expect, it } from 'vitest';
import { cleanLocale, pickTexts } from '../src/locale.ts';
import { builtInLanguages, directionOf, stringsFor, Text } from '../src/ui/i18n.ts';

describe('built-in strings', () => {
  it('exist for en, de, fr, es, pt, ja and ar, complete in each', () => {
    expect(builtInLanguages).toEqual(expect.arrayContaining(['en', 'de', 'fr', 'es', 'pt', 'ja', 'ar']));
    const count = stringsFor('en').length;
    expect(count).toBe(Text.FollowUp + 3);
    for (const language of builtInLanguages) {
      const strings = stringsFor(language);
      expect(strings, language).toHaveLength(count);
      expect(
        strings.every((text) => text.trim().length > 0),
        language,
      ).toBe(true);
    }
  });

  it('pick by language and fall back to English', () => {
    expect(stringsFor('pt-BR')[Text.Send]).toBe('Enviar');
    expect(stringsFor('ja')[Text.Close]).toBe('閉じる');
    expect(stringsFor('sv')[Text.Close]).toBe('Close');
  });

  it('know which languages are written right to left', () => {
    expect(directionOf('ar')).toBe('rtl');
    expect(directionOf('ar-EG')).toBe('rtl');
    expect(directionOf('he')).toBe('rtl');
    expect(directionOf('en')).toBe('ltr');
    expect(directionOf('ja')).toBe('ltr');
  });
});

describe('survey texts per locale', () => {
  const texts = {
    en: { question: 'Recommend us?' },
    'pt-BR': { question: 'Recomendaria?' },
    de: { question: 'Empfehlen?' },
  };

  it('prefers the exact locale, then the language, then the default', () => {
    expect(pickTexts(texts, 'en', 'pt-BR')!.locale).toBe('pt-BR');
    expect(pickTexts(texts, 'en', 'pt-PT')!.locale).toBe('pt-BR');
    expect(pickTexts(texts, 'en', 'de-CH')!.locale).toBe('de');
    expect(pickTexts(texts, 'en', 'fr')!.locale).toBe('en');
    expect(pickTexts(texts, 'de', 'fr')!.locale).toBe('de');
  });

  it('uses whatever exists when even the default is missing, and nothing for no texts', () => {
    expect(pickTexts({ es: { question: '¿Nos recomendaría?' } }, 'en', 'fr')!.locale).toBe('es');
    expect(pickTexts({}, 'en', 'fr')).toBeUndefined();
  });

  it('accepts only language tags the API accepts', () => {
    expect(cleanLocale('pt_BR')).toBe('pt-BR');
    expect(cleanLocale(' de ')).toBe('de');
    expect(cleanLocale('not a locale')).toBeUndefined();
    expect(cleanLocale(42)).toBeUndefined();
  });
});

import type { SurveyTexts } from '@closeloop/shared';
import type { Traits } from './memory.ts';

const localePattern = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** A language tag the API accepts, normalised (`pt_BR` → `pt-BR`), or undefined. */
export function cleanLocale(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const locale = value.trim().replace(/_/g, '-');
  return localePattern.test(locale) ? locale : undefined;
}

/** The visitor's locale: the `locale` trait from identify, then `<html lang>`, then the browser. */
export function visitorLocale(traits: Traits | null, doc: Document, nav: Navigator | undefined): string {
  return (
    cleanLocale(traits?.locale) ?? cleanLocale(doc.documentElement.lang) ?? cleanLocale(nav?.language) ?? 'en'
  );
}

const language = (locale: string) => locale.toLowerCase().split('-')[0];

/**
 * The survey texts to show for a locale: an exact match, then the same language (`de-AT` → `de`,
 * `pt` → `pt-BR`), then the survey's default locale, then whatever exists.
 */
export function pickTexts(
  texts: Record<string, SurveyTexts>,
  defaultLocale: string,
  wanted: string,
): { locale: string; texts: SurveyTexts } | undefined {
  const locales = Object.keys(texts);
  const lower = wanted.toLowerCase();
  const chosen =
    locales.find((locale) => locale.toLowerCase() === lower) ??
    locales.find((locale) => locale.toLowerCase() === language(wanted)) ??
    locales.find((locale) => language(locale) === language(wanted)) ??
    (texts[defaultLocale] ? defaultLocale : locales[0]);
  return chosen ? { locale: chosen, texts: texts[chosen]! } : undefined;
}

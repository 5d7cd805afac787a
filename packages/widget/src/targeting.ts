import type { WidgetConfig } from '@closeloop/shared';
import type { VisitorMemory } from './memory.ts';

export type WidgetSurvey = WidgetConfig['surveys'][number];
type Targeting = WidgetSurvey['targeting'];

const day = 24 * 60 * 60 * 1000;

/**
 * Whether a URL pattern matches. `*` matches any run of characters (slashes too); the match is
 * anchored and case-sensitive. A pattern starting with `/` is matched against the path (plus the
 * query if the pattern has a `?`, plus the hash if it has a `#`); any other pattern against the
 * whole URL.
 */
export function urlMatches(pattern: string, url: URL): boolean {
  let subject = url.href;
  if (pattern.startsWith('/')) {
    subject = url.pathname;
    if (pattern.includes('?') || pattern.includes('#')) subject += url.search;
    if (pattern.includes('#')) subject += url.hash;
  }
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(subject);
}

/** Include list empty or matching, and no exclude pattern matching. */
export function pageAllowed(targeting: Pick<Targeting, 'urlInclude' | 'urlExclude'>, url: URL): boolean {
  const include = targeting.urlInclude ?? [];
  if (include.length > 0 && !include.some((pattern) => urlMatches(pattern, url))) return false;
  return !(targeting.urlExclude ?? []).some((pattern) => urlMatches(pattern, url));
}

/**
 * Stable sampling: the same visitor is always in or out of a survey's sample (FNV-1a of visitor and
 * survey ids, in hundredths of a percent), so reloading does not give another chance.
 */
export function inSample(visitorId: string, surveyId: string, percent: number): boolean {
  if (percent >= 100) return true;
  if (percent <= 0) return false;
  let hash = 0x811c9dc5;
  const text = `${visitorId}:${surveyId}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return ((hash >>> 0) % 10000) / 100 < percent;
}

export interface EligibilityContext {
  url: URL;
  now: number;
  memory: VisitorMemory;
  /** Project-wide: days after any survey was shown before another may show. */
  cooldownDays: number;
}

/**
 * Whether a survey may show now to this visitor on this page (delay and onEvent are about *when*,
 * and are handled by the scheduler).
 */
export function isEligible(survey: WidgetSurvey, context: EligibilityContext): boolean {
  const { memory, now } = context;
  if (!pageAllowed(survey.targeting, context.url)) return false;
  const answeredAt = memory.answered[survey.id] ?? 0;
  if (survey.recontact.showOnce && answeredAt > 0) return false;
  const lastContact = Math.max(memory.shown[survey.id] ?? 0, answeredAt);
  if (lastContact > 0 && now - lastContact < survey.recontact.afterDays * day) return false;
  if (memory.lastShownAt > 0 && now - memory.lastShownAt < context.cooldownDays * day) return false;
  return inSample(memory.visitorId, survey.id, survey.targeting.samplePercent ?? 100);
}

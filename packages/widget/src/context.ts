import type { RespondentInput, ResponseContext } from '@closeloop/shared';
import { limits, maxTraits } from '@closeloop/shared/kinds';
import { cleanLocale } from './locale.ts';
import type { Traits, VisitorMemory } from './memory.ts';

// The same rule as the API's email check, so a malformed address is left out instead of getting the
// whole response refused.
const emailPattern =
  /^(?!\.)(?!.*\.\.)[A-Za-z0-9_'+\-.]*[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

/** Traits as the API accepts them: primitives only, bounded keys and values, at most 50. */
export function cleanTraits(input: unknown): Traits | null {
  if (!input || typeof input !== 'object') return null;
  const traits: Traits = {};
  let count = 0;
  for (const [key, value] of Object.entries(input)) {
    if (count >= maxTraits || key.length === 0 || key.length > 100) continue;
    if (typeof value === 'string') traits[key] = value.slice(0, 1000);
    else if (
      (typeof value === 'number' && Number.isFinite(value)) ||
      typeof value === 'boolean' ||
      value === null
    )
      traits[key] = value;
    else continue;
    count++;
  }
  return count > 0 ? traits : null;
}

/** Who is answering, from identify; undefined for an anonymous visitor. */
export function respondentOf(memory: VisitorMemory): RespondentInput | undefined {
  const respondent: RespondentInput = {};
  const externalId = memory.userId?.trim().slice(0, 256);
  if (externalId) {
    respondent.externalId = externalId;
    if (typeof memory.signature === 'string' && memory.signature) respondent.signature = memory.signature;
  }
  const email = memory.traits?.email;
  if (typeof email === 'string' && email.length <= 320 && emailPattern.test(email)) respondent.email = email;
  if (memory.traits) respondent.traits = memory.traits;
  return Object.keys(respondent).length > 0 ? respondent : undefined;
}

/** Where the answer is given. */
export function contextOf(win: Window, locale: string): ResponseContext {
  const context: ResponseContext = {
    url: win.location.href.slice(0, limits.maxUrlLength),
    viewport: { width: Math.round(win.innerWidth) || 0, height: Math.round(win.innerHeight) || 0 },
  };
  const clean = cleanLocale(locale);
  if (clean) context.locale = clean;
  const referrer = win.document.referrer;
  if (referrer) context.referrer = referrer.slice(0, limits.maxUrlLength);
  const userAgent = win.navigator?.userAgent;
  if (userAgent) context.userAgent = userAgent.slice(0, 1000);
  return context;
}

/**
 * Building blocks every domain's schemas share: kinds and statuses, instants, ids, locales, text
 * rules and the problem body. The index re-exports the public ones.
 */
import { z } from 'zod';
import { followUpStatuses, surveyKinds } from '../kinds.ts';

export const surveyKindSchema = z.enum(surveyKinds).describe('nps (0–10), csat (1–5) or ces (1–7)');
export const followUpStatusSchema = z.enum(followUpStatuses);

/** A BCP 47 language tag such as `en`, `pt-BR` or `zh-Hant`. */
export const localeSchema = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as "en" or "pt-BR"');

/** An ISO 8601 date-time with an offset, as the API writes them. */
export const isoDateTime = z.iso.datetime({ offset: true });

/** Earliest and latest instants the API accepts: the Unix epoch to the end of year 9999. */
export const instantBounds = { min: Date.UTC(1970, 0, 1), max: Date.UTC(10000, 0, 1) - 1 } as const;

/** An ISO 8601 instant with an offset, from 1970 to 9999 (as a client sends it). */
export const instantSchema = isoDateTime.refine((value) => {
  const time = Date.parse(value);
  return time >= instantBounds.min && time <= instantBounds.max;
}, 'must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z');

/** A UUID (survey, response, staff user) in any letter case, compared and stored in lower case. */
export const uuidInput = () => z.uuid().overwrite((value) => value.toLowerCase());

/** Survey texts: trimmed, not blank, at most `max` characters. */
export const trimmedText = (max: number) => z.string().trim().min(1).max(max);

/**
 * Whether a string is well-formed UTF-16: an unpaired surrogate (`"\ud800"` in JSON) has no UTF-8
 * form, so Postgres refuses it in jsonb and replaces it in text. Such text is a 400 up front.
 */
export const isWellFormedText = (value: string) => !/\p{Cs}/u.test(value);
export const unpairedSurrogate = 'must be valid Unicode text (no unpaired surrogate)';

/** Text a person writes: trimmed, not blank, at most `max` characters, well-formed. */
export const staffText = (max: number) => trimmedText(max).refine(isWellFormedText, unpairedSurrogate);

/** The name of a staff user, rule, secret key or project. */
export const nameSchema = staffText(120);

/** RFC 9457 problem details, the body of every error. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  requestId: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof problemSchema>;

/** The project public key a widget request carries. */
export const publicKeySchema = z
  .string()
  .startsWith('pk_')
  .max(100)
  .describe('The project public key (pk_…)');

import { limits } from '@closeloop/shared';

// The largest body of a valid widget request, in bytes, from the schemas' limits
// (packages/shared/src/schemas/responses.ts and widget.ts). Text counts 3 bytes per UTF-16 unit:
// what JSON.stringify writes for any text (a surrogate pair, 2 units, takes 4).

/** A JSON string of at most `chars` characters. */
const text = (chars: number) => chars * 3 + 2;
/** `"name":value,` */
const field = (name: string, valueBytes: number) => name.length + 4 + valueBytes;
const uuid = text(36);
/** An ISO date-time with offset and fractional seconds, e.g. 2026-01-01T00:00:00.000000+05:30. */
const instant = text(40);
const number = 24;

const largestRespondent =
  field('externalId', text(256)) +
  field('email', text(320)) +
  field('signature', text(200)) +
  field('traits', 2 + limits.maxTraits * (text(100) + 2 + text(1000)));

const largestContext =
  field('url', text(limits.maxUrlLength)) +
  field('locale', text(35)) +
  field('referrer', text(limits.maxUrlLength)) +
  field('userAgent', text(1000)) +
  field('browser', text(40)) +
  field('device', text(7)) +
  field('viewport', 2 + field('width', number) + field('height', number));

/** The largest valid response item. */
export const largestResponseBytes =
  2 +
  field('id', uuid) +
  field('surveyId', uuid) +
  field('score', number) +
  field('comment', text(limits.maxCommentLength)) +
  field('respondent', 2 + largestRespondent) +
  field('context', 2 + largestContext) +
  field('submittedAt', instant);

/** The largest valid event item. */
export const largestEventBytes =
  2 + field('id', uuid) + field('surveyId', uuid) + field('type', text(9)) + field('at', instant);

/** `{"key":"pk_…","responses":[…]}` around the items. */
const envelope = (items: string) => 2 + field('key', text(100)) + field(items, 2);

/**
 * Body limit of POST /v1/responses: a batch as the widget sends it (items up to 60 000 bytes, or
 * one larger item alone), or any batch of a REST client as large as the largest valid item.
 * Larger batches are split by the client.
 */
export const responsesBodyLimit =
  envelope('responses') + Math.max(largestResponseBytes, 64 * 1024) + limits.maxBatch;

/** Body limit of POST /v1/events: the largest valid batch of events. */
export const eventsBodyLimit = envelope('events') + limits.maxBatch * (largestEventBytes + 1);

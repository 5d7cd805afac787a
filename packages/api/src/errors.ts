/**
 * The catalogue of API errors. Every error a client can see is one of these, turned into an
 * RFC 9457 problem by the error handler; each has a stable `code`.
 */
import createError from '@fastify/error';

export interface FieldError {
  path: string;
  message: string;
}

const define = (code: string, status: number, message: string) => createError(code, message, status);

export const Errors = {
  InvalidJson: define('invalid_json', 400, 'The request body is not valid JSON: %s'),
  InvalidCursor: define('invalid_cursor', 400, 'The cursor is not one this API returned'),
  MissingKey: define('missing_key', 401, '%s'),
  InvalidKey: define('invalid_key', 401, '%s'),
  PublicKeyForbidden: define(
    'public_key_forbidden',
    403,
    'A public key (pk_…) cannot use the management API; send a secret key (sk_…) as a Bearer token',
  ),
  OriginNotAllowed: define('origin_not_allowed', 403, 'The origin %s is not allowed for this project'),
  NotFound: define('not_found', 404, '%s'),
  Conflict: define('conflict', 409, '%s'),
  PayloadTooLarge: define('payload_too_large', 413, 'The request body is larger than %s bytes'),
  UnsupportedMediaType: define(
    'unsupported_media_type',
    415,
    'Send the body as application/json or text/plain',
  ),
  UnsupportedCharset: define(
    'unsupported_media_type',
    415,
    'Send the body in UTF-8 (charset=utf-8); the charset %s is not supported',
  ),
  InvalidUtf8: define('invalid_request', 400, 'The request body is not valid UTF-8'),
  TooDeep: define('invalid_json', 400, 'The request body nests arrays and objects deeper than %s levels'),
  Unavailable: define('unavailable', 503, '%s'),
  // Staff accounts and the follow-up inbox
  JsonRequired: define('unsupported_media_type', 415, 'Send the body as application/json'),
  InvalidCredentials: define('invalid_credentials', 401, 'The email or password is not right'),
  SessionExpired: define('session_expired', 401, 'The session has ended; sign in again'),
  CsrfTokenInvalid: define(
    'csrf_token_invalid',
    403,
    'Send the x-csrf-token header given at sign-in (GET /v1/auth/session) with every change',
  ),
  Forbidden: define('forbidden', 403, '%s'),
  SetupTokenInvalid: define(
    'setup_token_invalid',
    400,
    'The setup link is not valid: it was used, it expired, or the project already has staff; restart Closeloop for a new one or use `closeloop create-user`',
  ),
  EmailTaken: define('email_taken', 409, '%s'),
  LastOwner: define('last_owner', 409, 'A project keeps at least one active owner'),
  InvalidTransition: define('invalid_transition', 409, '%s'),
  RespondentEmailUnknown: define(
    'respondent_email_unknown',
    409,
    'The respondent of this response left no email address; there is nobody to reply to',
  ),
  UnverifiedRecipient: define(
    'unverified_recipient',
    409,
    'The address %s is not verified: anyone holding the public key could have typed it, so the reply may reach someone other than the customer. Send again with "confirmUnverified": true to reply anyway',
  ),
  EmailNotConfigured: define(
    'email_not_configured',
    422,
    'Email replies need an SMTP server: set SMTP_URL (and MAIL_FROM) and restart Closeloop',
  ),
};

/** A 400 whose `errors` list each bad field, like `responses.3.score`. */
export class ValidationError extends Error {
  readonly statusCode = 400;
  readonly code = 'invalid_request';
  constructor(
    readonly errors: FieldError[],
    message = 'The request is not valid; see errors for each field',
  ) {
    super(message);
  }
}

/** Refuses a time range that is empty or ends before it starts, as every `from`/`to` filter does. */
export function assertTimeRange(from: Date, to: Date): void {
  if (from >= to) throw new ValidationError([{ path: 'from', message: 'must be before to' }]);
}

/** A 409 whose `errors` list each item that conflicts with what is already stored. */
export class ConflictError extends Error {
  readonly statusCode = 409;
  readonly code = 'conflict';
  constructor(
    readonly errors: FieldError[],
    message: string,
  ) {
    super(message);
  }
}

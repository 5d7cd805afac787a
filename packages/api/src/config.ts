import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const optionalUrl = (protocols: RegExp) =>
  z
    .string()
    .trim()
    .transform((value) => value || undefined)
    .pipe(z.url({ protocol: protocols }).optional())
    .optional();

/** About 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over about 28 hours. */
export const defaultWebhookRetryDelays = [5, 300, 1800, 7200, 18000, 36000, 36000];

/** An address or a CIDR range (`10.0.0.0/8`, `2001:db8::/32`). */
function isAddressOrRange(value: string): boolean {
  const [address, bits, extra] = value.split('/');
  if (extra !== undefined || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * Which proxies to believe about the client address (Fastify's `trustProxy`): `false`, `true`
 * (every hop: only behind a proxy that overwrites X-Forwarded-For), a hop count, or a comma list
 * of proxy addresses and CIDR ranges.
 */
const trustProxyFromEnv = z
  .string()
  .trim()
  .transform((value, context): boolean | number | string[] => {
    const lower = value.toLowerCase();
    if (['false', 'no', '0'].includes(lower)) return false;
    if (['true', 'yes'].includes(lower)) return true;
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value.split(',').map((entry) => entry.trim());
    const bad = entries.find((entry) => !isAddressOrRange(entry));
    if (bad !== undefined) {
      context.addIssue({
        code: 'custom',
        message: `"${bad}" is not false, true, a hop count, or a comma list of addresses and CIDR ranges`,
      });
      return z.NEVER;
    }
    return entries;
  });

/** Environment variables Closeloop reads, validated once at boot. */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** postgres://… — without it Closeloop runs on the embedded database (PGlite). */
  DATABASE_URL: optionalUrl(/^postgres(ql)?$/),
  /**
   * postgres://… of a read replica of DATABASE_URL (needs DATABASE_URL): metrics, segments, response
   * lists, counts and exports read from it.
   */
  DATABASE_READ_URL: optionalUrl(/^postgres(ql)?$/),
  CLOSELOOP_DATA_DIR: z.string().min(1).default('.closeloop/data'),
  /** The address people and pages reach this server at; defaults to http://HOST:PORT. */
  PUBLIC_URL: optionalUrl(/^https?$/),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** redis://… — shared rate-limit state across API replicas. */
  REDIS_URL: optionalUrl(/^rediss?$/),
  /** Which proxies' X-Forwarded-* headers to trust: false, true, a hop count, or addresses/CIDRs. */
  TRUST_PROXY: trustProxyFromEnv.default(false),
  /** Items (responses or events) per minute per client address on each widget endpoint. */
  INGEST_RATE_LIMIT: z.coerce.number().int().min(1).default(600),
  /** Responses per survey and client address per hour that count for metrics; 0 = no budget. */
  INGEST_SURVEY_BUDGET: z.coerce.number().int().min(0).default(10),
  /** Responses per survey and verified respondent per 24 hours that count for metrics. */
  INGEST_RESPONDENT_BUDGET: z.coerce.number().int().min(1).default(1),
  /** smtp://user:pass@host:port or smtps://… — needed to reply to respondents by email. */
  SMTP_URL: optionalUrl(/^smtps?$/),
  /** From address of email replies. */
  MAIL_FROM: z.string().trim().min(3).default('Closeloop <closeloop@localhost>'),
  /** Sign-in attempts per 15 minutes per client address and email. */
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  /** Failed sign-ins per 15 minutes per client address, whatever the emails. */
  LOGIN_ADDRESS_RATE_LIMIT: z.coerce.number().int().min(1).default(50),
  /** Seconds between webhook attempts after a failure (the last one ends the retries). */
  WEBHOOK_RETRY_DELAYS: z
    .string()
    .trim()
    .regex(/^\d+(\s*,\s*\d+)*$/, 'must be comma-separated whole seconds, e.g. 5,300,1800')
    .transform((value) => value.split(',').map((part) => Number(part.trim())))
    .default(() => [...defaultWebhookRetryDelays]),
  /** Allow http:// and private, loopback and link-local webhook addresses (local development). */
  WEBHOOK_ALLOW_PRIVATE: booleanFromEnv.default(false),
  /** How often the delivery worker looks for due webhooks and emails, in milliseconds. */
  DELIVERY_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** Minutes between runs of the retention job (it also runs at start); 0 turns it off. */
  RETENTION_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
  /** Seconds between looks for due daily and weekly staff emails; 0 turns them off. */
  SCHEDULED_EMAILS_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /** A read replica of `databaseUrl` for reads that tolerate replication lag (see read-database.ts). */
  databaseReadUrl: string | undefined;
  dataDir: string;
  publicUrl: string | undefined;
  logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
  redisUrl: string | undefined;
  trustProxy: boolean | number | string[];
  ingestRateLimit: number;
  ingestSurveyBudget: number;
  ingestRespondentBudget: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  loginRateLimit: number;
  loginAddressRateLimit: number;
  webhookRetryDelays: readonly number[];
  webhookAllowPrivate: boolean;
  deliveryPollIntervalMs: number;
  retentionIntervalMinutes: number;
  scheduledEmailsIntervalSeconds: number;
}

/** Why DATABASE_READ_URL alone is refused: a replica is of a PostgreSQL primary. */
export const readUrlWithoutPrimary =
  'DATABASE_READ_URL: needs DATABASE_URL (a read replica of PostgreSQL; the embedded database has none)';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Readonly<Config> {
  // A variable set to nothing (`PORT=`) counts as not set.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = configSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const values = parsed.data;
  if (values.DATABASE_READ_URL && !values.DATABASE_URL) {
    throw new ConfigError(`Invalid configuration:\n  ${readUrlWithoutPrimary}`);
  }
  return Object.freeze({
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL,
    databaseReadUrl: values.DATABASE_READ_URL,
    dataDir: path.resolve(cwd, values.CLOSELOOP_DATA_DIR),
    publicUrl: values.PUBLIC_URL?.replace(/\/+$/, ''),
    logLevel: values.LOG_LEVEL,
    redisUrl: values.REDIS_URL,
    trustProxy: values.TRUST_PROXY,
    ingestRateLimit: values.INGEST_RATE_LIMIT,
    ingestSurveyBudget: values.INGEST_SURVEY_BUDGET,
    ingestRespondentBudget: values.INGEST_RESPONDENT_BUDGET,
    smtpUrl: values.SMTP_URL,
    mailFrom: values.MAIL_FROM,
    loginRateLimit: values.LOGIN_RATE_LIMIT,
    loginAddressRateLimit: values.LOGIN_ADDRESS_RATE_LIMIT,
    webhookRetryDelays: Object.freeze(values.WEBHOOK_RETRY_DELAYS),
    webhookAllowPrivate: values.WEBHOOK_ALLOW_PRIVATE,
    deliveryPollIntervalMs: values.DELIVERY_POLL_INTERVAL_MS,
    retentionIntervalMinutes: values.RETENTION_INTERVAL_MINUTES,
    scheduledEmailsIntervalSeconds: values.SCHEDULED_EMAILS_INTERVAL_SECONDS,
  });
}

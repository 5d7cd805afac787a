/**
 * Realistic demo data: scores that drift over the months, comments in several languages,
 * respondent traits, pages and locales, and widget impressions for response rates.
 */
import { type SurveyKind, scoreBand, scoreRanges, surveyCreateSchema } from '@closeloop/shared';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { events, respondents, responses, surveys } from '../db/schema/index.ts';
import { demoSurveys } from './projects.ts';

export interface SeedOptions {
  projectId: string;
  responses: number;
  months: number;
  /** Same seed, same data. */
  seed?: number;
  now?: Date;
}

/** A small, fast, seedable PRNG (mulberry32). */
export function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const comments: Record<string, Record<'negative' | 'neutral' | 'positive', string[]>> = {
  en: {
    negative: [
      'Checkout kept failing on my phone.',
      'Support took four days to answer.',
      'Too expensive for what it does.',
      'The new dashboard is confusing.',
    ],
    neutral: ['Good, but search could be faster.', 'Fine overall; the export is clunky.', 'Does the job.'],
    positive: ['Love how quick it is!', 'Your support team is fantastic.', 'Saved us hours every week.'],
  },
  de: {
    negative: ['Die Zahlung hat nicht funktioniert.', 'Viel zu teuer.'],
    neutral: ['Ganz okay, aber die Suche ist langsam.'],
    positive: ['Super einfach zu bedienen!', 'Toller Kundenservice.'],
  },
  fr: {
    negative: ['Le paiement a échoué deux fois.', "Je n'ai pas trouvé la facture."],
    neutral: ['Correct, mais un peu lent.'],
    positive: ['Très pratique, merci !', 'Équipe au top.'],
  },
  es: {
    negative: ['La aplicación se cierra sola.', 'Demasiado caro.'],
    neutral: ['Está bien, pero le faltan funciones.'],
    positive: ['¡Me encanta!', 'Muy fácil de usar.'],
  },
  pt: {
    negative: ['O suporte demorou muito.'],
    neutral: ['Bom, mas pode melhorar.'],
    positive: ['Excelente serviço!'],
  },
  ja: {
    negative: ['支払いがうまくいきませんでした。'],
    neutral: ['まあまあです。'],
    positive: ['とても使いやすいです！'],
  },
};
const locales = ['en', 'en', 'en', 'en', 'de', 'fr', 'es', 'pt', 'ja'];
const pages = [
  '/',
  '/pricing',
  '/checkout',
  '/checkout/payment',
  '/account',
  '/help/billing',
  '/docs/getting-started',
];
const plans = ['free', 'free', 'pro', 'pro', 'team', 'enterprise'];
const countries = ['US', 'DE', 'FR', 'ES', 'BR', 'JP', 'GB'];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

/**
 * A score for the kind at `progress` (0 = oldest, 1 = newest): the share of positive answers grows
 * and the share of negative ones shrinks over time, with some noise.
 */
function drawScore(next: () => number, kind: SurveyKind, progress: number): number {
  const { min, max } = scoreRanges[kind];
  const positive = 0.38 + 0.2 * progress;
  const negative = 0.32 - 0.14 * progress;
  const roll = next();
  const span = max - min + 1;
  for (let attempt = 0; attempt < 50; attempt++) {
    const score = min + Math.floor(next() * span);
    const band = scoreBand(kind, score);
    if (
      roll < negative ? band === 'negative' : roll < 1 - positive ? band === 'neutral' : band === 'positive'
    )
      return score;
  }
  return max;
}

async function surveysOf(db: Db, projectId: string): Promise<{ id: string; kind: SurveyKind }[]> {
  const rows = await db
    .select({ id: surveys.id, kind: surveys.kind })
    .from(surveys)
    .where(and(eq(surveys.projectId, projectId), isNull(surveys.deletedAt)));
  if (rows.length > 0) return rows;
  return db
    .insert(surveys)
    .values(demoSurveys.map((survey) => ({ ...surveyCreateSchema.parse(survey), projectId })))
    .returning({ id: surveys.id, kind: surveys.kind });
}

/** Inserts demo responses, respondents and impressions; returns how many of each. */
export async function seedDemoData(db: Db, options: SeedOptions) {
  const next = random(options.seed ?? 42);
  const now = options.now ?? new Date();
  const spanMs = options.months * 30 * 86_400_000;
  const projectSurveys = await surveysOf(db, options.projectId);
  // NPS is asked most; CSAT and CES less often.
  const weighted = projectSurveys.flatMap((survey) => Array(survey.kind === 'nps' ? 3 : 1).fill(survey));

  const people = Array.from({ length: Math.max(1, Math.round(options.responses / 4)) }, (_, index) => ({
    projectId: options.projectId,
    id: crypto.randomUUID() as string,
    externalId: `demo-user-${index + 1}`,
    email: next() < 0.7 ? `customer${index + 1}@example.com` : null,
    traits: {
      plan: pick(next, plans),
      country: pick(next, countries),
      signupYear: 2019 + Math.floor(next() * 7),
    },
  }));
  // Seeding again finds the same demo people (by external id): each takes the id already stored,
  // so the new responses point at rows that exist.
  for (let i = 0; i < people.length; i += 1000) {
    const stored = await db
      .insert(respondents)
      .values(people.slice(i, i + 1000))
      .onConflictDoUpdate({
        target: [respondents.projectId, respondents.externalId],
        set: { externalId: sql`excluded.external_id` },
      })
      .returning({ id: respondents.id, externalId: respondents.externalId });
    const ids = new Map(stored.map((row) => [row.externalId, row.id]));
    for (const person of people.slice(i, i + 1000)) person.id = ids.get(person.externalId)!;
  }

  let shown = 0;
  const batchSize = 1000;
  for (let offset = 0; offset < options.responses; offset += batchSize) {
    const responseRows: (typeof responses.$inferInsert)[] = [];
    const eventRows: (typeof events.$inferInsert)[] = [];
    for (let i = offset; i < Math.min(options.responses, offset + batchSize); i++) {
      const survey = pick(next, weighted);
      const submittedAt = new Date(now.getTime() - next() * spanMs);
      const progress = 1 - (now.getTime() - submittedAt.getTime()) / spanMs;
      const score = drawScore(next, survey.kind, progress);
      const band = scoreBand(survey.kind, score);
      const locale = pick(next, locales);
      const url = `https://shop.example${pick(next, pages)}`;
      const person = next() < 0.85 ? pick(next, people) : null;
      const comment = next() < (band === 'negative' ? 0.6 : 0.3) ? pick(next, comments[locale]![band]) : null;
      const ageDays = (now.getTime() - submittedAt.getTime()) / 86_400_000;
      const followUpStatus =
        band === 'negative' ? (ageDays > 7 && next() < 0.85 ? 'resolved' : 'open') : 'none';
      responseRows.push({
        projectId: options.projectId,
        id: crypto.randomUUID(),
        surveyId: survey.id,
        kind: survey.kind,
        score,
        comment,
        respondentId: person?.id ?? null,
        context: { url, locale },
        url,
        locale,
        submittedAt,
        receivedAt: submittedAt,
        updatedAt: submittedAt,
        followUpStatus,
        dueAt: followUpStatus === 'none' ? null : new Date(submittedAt.getTime() + 48 * 3_600_000),
        resolvedAt:
          followUpStatus === 'resolved' ? new Date(submittedAt.getTime() + next() * 72 * 3_600_000) : null,
      });
      // Between two and four impressions per answer: response rates of 25–50 %.
      const impressions = 2 + Math.floor(next() * 3);
      for (let k = 0; k < impressions; k++) {
        eventRows.push({
          projectId: options.projectId,
          id: crypto.randomUUID(),
          surveyId: survey.id,
          type: k === 0 || next() < 0.7 ? 'shown' : 'dismissed',
          at: new Date(submittedAt.getTime() - k * 60_000),
        });
      }
    }
    shown += eventRows.length;
    await db.transaction(async (tx) => {
      await tx.insert(responses).values(responseRows);
      for (let i = 0; i < eventRows.length; i += 1000)
        await tx.insert(events).values(eventRows.slice(i, i + 1000));
    });
  }
  return { responses: options.responses, respondents: people.length, events: shown };
}

import type { Survey } from '@closeloop/shared';
import type { surveys } from '../db/schema/index.ts';

export type SurveyRow = typeof surveys.$inferSelect;

/** A survey row as the API returns it. */
export function toSurvey(row: SurveyRow): Survey {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    status: row.status,
    defaultLocale: row.defaultLocale,
    texts: row.texts,
    targeting: row.targeting,
    recontact: row.recontact,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Streams responses as CSV or NDJSON in constant memory: keyset pages of a fixed size are read one
 * after another and written as they come, with backpressure from the client.
 */
import { Readable } from 'node:stream';
import type { ResponseListQuery, ResponseRecord } from '@closeloop/shared';
import { and, asc, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { responses } from '../db/schema/index.ts';
import { responseFilters, selectRecords, toResponseRecord } from './responses.ts';

export const exportPageSize = 1000;

export const csvColumns = [
  'id',
  'survey_id',
  'kind',
  'score',
  'comment',
  'submitted_at',
  'received_at',
  'url',
  'locale',
  'respondent_external_id',
  'respondent_email',
  'respondent_traits',
  'follow_up_status',
  'assignee_id',
  'due_at',
  'resolved_at',
  'tags',
  'identity',
  'quarantined',
] as const;

/**
 * One CSV cell. Cells that a spreadsheet would run as a formula (starting with = + - @, tab or
 * carriage return) get a leading apostrophe; cells with a comma, quote or line break are quoted.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvRow(record: ResponseRecord): string {
  const cells = [
    record.id,
    record.surveyId,
    record.kind,
    record.score,
    record.comment,
    record.submittedAt,
    record.receivedAt,
    record.context.url,
    record.context.locale ?? null,
    record.respondent?.externalId ?? null,
    record.respondent?.email ?? null,
    record.respondent && Object.keys(record.respondent.traits).length > 0
      ? JSON.stringify(record.respondent.traits)
      : null,
    record.followUp.status,
    record.followUp.assigneeId,
    record.followUp.dueAt,
    record.followUp.resolvedAt,
    // Tags may hold spaces but never commas, so a comma list splits back into the tags.
    record.followUp.tags.join(', '),
    record.identity,
    String(record.quarantined),
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

async function* pages(db: Db, filters: SQL[]) {
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    const conditions = [...filters];
    if (after) {
      // A row comparison walks the (project_id, submitted_at, id) index; an OR of the two would not.
      conditions.push(
        sql`(${responses.submittedAt}, ${responses.id}) > (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)`,
      );
    }
    const rows = await selectRecords(db)
      .where(and(...conditions))
      .orderBy(asc(responses.submittedAt), asc(responses.id))
      .limit(exportPageSize);
    if (rows.length === 0) return;
    yield rows.map((row) => toResponseRecord(row as Parameters<typeof toResponseRecord>[0]));
    if (rows.length < exportPageSize) return;
    const last = rows.at(-1)!.response;
    after = { at: last.submittedAt, id: last.id };
  }
}

/**
 * A stream of the export, oldest response first. The first page is read before the stream is
 * returned, so a bad filter or a failing query is still an error response rather than a 200 with
 * a header row and a cut connection; an error after that can only end the stream early (the
 * connection is then cut, so a client never mistakes a partial download for a complete one).
 */
export async function exportResponses(
  db: Db,
  projectId: string,
  query: Omit<ResponseListQuery, 'limit' | 'cursor'>,
  format: 'csv' | 'ndjson',
  viewerUserId?: string | null,
): Promise<Readable> {
  const filters = responseFilters(projectId, query, viewerUserId);
  const rest = pages(db, filters);
  const first = await rest.next();
  const text = (page: ResponseRecord[]) =>
    page.map((record) => (format === 'csv' ? csvRow(record) : `${JSON.stringify(record)}\n`)).join('');
  async function* lines() {
    if (format === 'csv') yield `${csvColumns.join(',')}\r\n`;
    if (first.done) return;
    yield text(first.value);
    for await (const page of rest) yield text(page);
  }
  return Readable.from(lines(), { objectMode: false });
}

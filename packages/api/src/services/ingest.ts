/**
 * Durable, exactly-once ingestion of widget responses and events. A batch is validated as a
 * whole against the project's surveys, then written in one transaction: either every item is
 * stored (or was already) or nothing is.
 */

import {
  type EventInput,
  type FollowUpStatus,
  isValidScore,
  type ResponseInput,
  scoreRanges,
} from '@closeloop/shared';
import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { anyOf, arrayLiteral, selectRows } from '../db/rows.ts';
import { events, respondents, responses, type Traits } from '../db/schema/index.ts';
import { ConflictError, type FieldError, ValidationError } from '../errors.ts';
import { recordActivity } from './activity.ts';
import { catalogOf, type SurveyKindById } from './catalog.ts';
import { hashClientAddress } from './client-address.ts';
import { applyRules, followUpsOfNew, type RuleRow } from './follow-up-rules.ts';
import { GroupCommit } from './group-commit.ts';
import { type IdentityPolicy, identityPolicy, isValidSignature } from './identity.ts';
import { announce } from './live.ts';
import { storedContext } from './user-agent.ts';
import { enqueueWebhookMessages, ingestionEvents } from './webhook-outbox.ts';

/** How far before its arrival a response may say it was given (the widget drops older answers). */
export const maxResponseAgeMs = 7 * 24 * 60 * 60 * 1000;
/** How far a visitor's clock may run ahead; a later `submittedAt` is refused. */
export const maxClockSkewMs = 5 * 60 * 1000;

/** The project's live surveys, from the per-process catalog (no round trip when cached). */
async function liveSurveyKinds(db: Db, projectId: string): Promise<SurveyKindById> {
  return catalogOf(db).liveSurveyKinds(projectId);
}

const kindNames = { nps: 'an NPS', csat: 'a CSAT', ces: 'a CES' } as const;

/** Merges items that share an id (first score wins; the first comment given is kept). */
function mergeDuplicates(items: ResponseInput[], errors: FieldError[]): Map<string, ResponseInput> {
  const byId = new Map<string, ResponseInput>();
  items.forEach((item, index) => {
    const first = byId.get(item.id);
    if (!first) {
      byId.set(item.id, item);
      return;
    }
    if (first.surveyId !== item.surveyId || first.score !== item.score) {
      errors.push({
        path: `responses.${index}.id`,
        message: 'repeats an earlier id of this batch with another survey or score',
      });
    } else if (first.comment == null && item.comment != null) {
      byId.set(item.id, { ...first, comment: item.comment });
    }
  });
  return byId;
}

interface StoredRespondent {
  id: string;
  /** The respondent's traits as stored after this batch: earlier ones merged with the new. */
  traits: Traits;
}

/** How one response's identity is treated (see `classifyIdentities`). */
type IdentityTreatment =
  /** A valid signature of the external id: merged into the respondent, which becomes verified. */
  | 'verified'
  /** Unsigned, but the project lets unsigned identities merge (`off`) unless the respondent was verified. */
  | 'merge-unverified'
  /** Unsigned under `required`: kept on the response only. */
  | 'claim'
  /** No external id or email (traits at most). */
  | 'anonymous';

/** Decides, per response, whether its identity may change a stored respondent. */
function classifyIdentities(items: ResponseInput[], policy: IdentityPolicy): Map<string, IdentityTreatment> {
  const treatment = new Map<string, IdentityTreatment>();
  const signedIds = new Set<string>();
  for (const item of items) {
    const respondent = item.respondent;
    if (
      respondent?.externalId &&
      isValidSignature(policy.secret, respondent.externalId, respondent.signature)
    )
      signedIds.add(respondent.externalId);
  }
  for (const item of items) {
    const respondent = item.respondent;
    if (!respondent || (!respondent.externalId && !respondent.email)) {
      treatment.set(item.id, 'anonymous');
    } else if (
      respondent.externalId &&
      isValidSignature(policy.secret, respondent.externalId, respondent.signature)
    ) {
      treatment.set(item.id, 'verified');
    } else if (
      policy.verification === 'off' &&
      // A respondent this very batch verifies is not changed by an unsigned claim beside it.
      !(respondent.externalId && signedIds.has(respondent.externalId))
    ) {
      treatment.set(item.id, 'merge-unverified');
    } else {
      treatment.set(item.id, 'claim');
    }
  }
  return treatment;
}

/**
 * Upserts the batch's respondents; returns, per response id, its respondent as now stored. Only
 * verified identities, and unsigned ones the project lets merge, change a stored respondent; an
 * unsigned one never changes a respondent that was ever verified (such responses get no entry).
 */
async function upsertRespondents(
  tx: Tx,
  projectId: string,
  items: ResponseInput[],
  treatment: Map<string, IdentityTreatment>,
): Promise<Map<string, StoredRespondent>> {
  const respondentByResponse = new Map<string, StoredRespondent>();
  const known = new Map<string, { email?: string; traits: Record<string, unknown>; verified: boolean }>();
  const byEmail = new Map<
    string,
    { email: string; traits: Record<string, unknown>; responseIds: string[] }
  >();
  const anonymous: { id: string; traits: Record<string, unknown> }[] = [];
  for (const item of items) {
    const respondent = item.respondent;
    const how = treatment.get(item.id);
    if (!respondent || how === 'claim') continue;
    if (respondent.externalId) {
      const earlier = known.get(respondent.externalId);
      known.set(respondent.externalId, {
        email: respondent.email ?? earlier?.email,
        traits: { ...earlier?.traits, ...respondent.traits },
        verified: how === 'verified' || earlier?.verified === true,
      } as { email?: string; traits: Record<string, unknown>; verified: boolean });
    } else if (respondent.email) {
      // Known only by email: one respondent per address (letter case aside).
      const address = respondent.email.toLowerCase();
      const earlier = byEmail.get(address);
      byEmail.set(address, {
        email: earlier?.email ?? respondent.email,
        traits: { ...earlier?.traits, ...respondent.traits },
        responseIds: [...(earlier?.responseIds ?? []), item.id],
      });
    } else if (respondent.traits) {
      // Known only by traits: one respondent per response, keyed by the response id so a resend
      // stays exactly-once.
      anonymous.push({ id: item.id, traits: respondent.traits });
      respondentByResponse.set(item.id, { id: item.id, traits: respondent.traits as Traits });
    }
  }
  if (known.size > 0) {
    // Sorted so concurrent batches lock respondent rows in the same order (no deadlock).
    const values = [...known.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([externalId, value]) => ({
        projectId,
        externalId,
        email: value.email ?? null,
        traits: value.traits as Traits,
        verified: value.verified,
      }));
    const rows = await tx
      .insert(respondents)
      .values(values)
      .onConflictDoUpdate({
        target: [respondents.projectId, respondents.externalId],
        set: {
          email: sql`coalesce(excluded.email, ${respondents.email})`,
          traits: sql`${respondents.traits} || excluded.traits`,
          verified: sql`${respondents.verified} or excluded.verified`,
          updatedAt: sql`now()`,
        },
        // An unsigned identity never changes a respondent that was ever verified.
        setWhere: sql`excluded.verified or not ${respondents.verified}`,
      })
      .returning({ id: respondents.id, externalId: respondents.externalId, traits: respondents.traits });
    const byExternal = new Map(rows.map((row) => [row.externalId!, { id: row.id, traits: row.traits }]));
    for (const item of items) {
      const externalId = item.respondent?.externalId;
      const stored = externalId ? byExternal.get(externalId) : undefined;
      if (stored && treatment.get(item.id) !== 'claim') respondentByResponse.set(item.id, stored);
    }
  }
  if (byEmail.size > 0) {
    const entries = [...byEmail.entries()].sort(([a], [b]) => compareText(a, b));
    // Drizzle's conflict target takes columns only; the partial unique index is on lower(email).
    const rows = await selectRows<{ id: string; email: string; traits: Traits }>(
      tx,
      sql`
      insert into respondents (project_id, email, traits)
      values ${sql.join(
        entries.map(
          ([, value]) => sql`(${projectId}, ${value.email}, ${JSON.stringify(value.traits)}::jsonb)`,
        ),
        sql`, `,
      )}
      on conflict (project_id, lower(email)) where external_id is null and email is not null
      do update set traits = respondents.traits || excluded.traits, updated_at = now()
      returning id, email, traits`,
    );
    const byAddress = new Map(
      rows.map((row) => [row.email!.toLowerCase(), { id: row.id, traits: row.traits }]),
    );
    for (const [address, value] of entries) {
      for (const responseId of value.responseIds)
        respondentByResponse.set(responseId, byAddress.get(address)!);
    }
  }
  if (anonymous.length > 0) {
    await tx
      .insert(respondents)
      .values(
        // In id order, so concurrent batches lock the same rows in the same order.
        [...anonymous].sort(byId).map((respondent) => ({
          projectId,
          id: respondent.id,
          traits: respondent.traits as Traits,
        })),
      )
      .onConflictDoNothing();
  }
  return respondentByResponse;
}

/** The identity columns of a response row: how it is known, and an unverified claim as sent. */
function identityColumns(item: ResponseInput, how: IdentityTreatment, merged: boolean) {
  if (how === 'anonymous') return { identity: 'anonymous' as const, claimedRespondent: null };
  if (how === 'verified' && merged) return { identity: 'verified' as const, claimedRespondent: null };
  const respondent = item.respondent!;
  return {
    identity: 'unverified' as const,
    claimedRespondent: {
      externalId: respondent.externalId ?? null,
      email: respondent.email ?? null,
      traits: (respondent.traits ?? {}) as Traits,
    },
  };
}

/** Postgres SQLSTATEs after which the whole transaction may simply run again. */
const retryableStates = new Set(['40P01', '40001']); // deadlock detected, serialization failure

function sqlState(error: unknown): string | undefined {
  for (let cause = error; cause && typeof cause === 'object'; cause = (cause as { cause?: unknown }).cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * Runs a transaction, again (up to three times in all) when Postgres aborted it for a deadlock
 * or a serialization failure: the client gets its 202 instead of a 500 for a lost race.
 */
async function withRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= 3 || !retryableStates.has(sqlState(error) ?? '')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}

/** Code-point order, as the lock order of concurrent batches (not the locale's collation). */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byId = <T extends { id: string }>(a: T, b: T) => compareText(a.id, b.id);

export interface IngestOptions {
  /**
   * When the batch arrived (default: now): `submittedAt` is bounded by it and it is stored as
   * `receivedAt`. Given only when importing history (tests, tools), never from a request.
   */
  receivedAt?: Date;
  /** The project's identity secret and setting when the caller has them (else they are read). */
  identity?: IdentityPolicy;
  /** The sender's address (for the per-address budget; only its keyed hash is stored). */
  clientAddress?: string;
  /** The counted budget; responses over it are stored quarantined. Default: no budget. */
  budget?: CountedBudget;
}

export interface CountedBudget {
  /** Responses per survey and client address per hour that count; 0 = no budget at all. */
  perAddressPerHour: number;
  /** Responses per survey and verified respondent per 24 hours that count. */
  perRespondentPerDay: number;
}

const hourMs = 3600_000;
const dayMs = 24 * hourMs;

/** A new response as the budget sees it: who sent it, from where, when, under which budget. */
interface BudgetEntry {
  item: ResponseInput;
  clientHash: string | null;
  budget: CountedBudget;
  now: Date;
  /** The verified respondent it is stored under, if any. */
  verifiedRespondentId: string | undefined;
}

/**
 * Decides which new responses are over the counted budget (ballot stuffing): per survey, a
 * verified respondent's first `perRespondentPerDay` responses in 24 hours count, and otherwise an
 * address's first `perAddressPerHour` in an hour. Budget keys are locked for the transaction
 * (sorted, so concurrent transactions take them in one order), so parallel sends from one address
 * cannot both take the last place. Entries are counted in the order given (the order of arrival).
 */
async function overBudget(
  tx: Tx,
  projectId: string,
  entries: BudgetEntry[],
  /** The ids of the entries already stored (a resend counts nothing). */
  stored: Set<string>,
): Promise<Set<string>> {
  const quarantined = new Set<string>();
  const budgeted = entries.filter((entry) => entry.budget.perAddressPerHour > 0);
  if (budgeted.length === 0) return quarantined;
  const fresh = budgeted.filter((entry) => !stored.has(entry.item.id));
  const keyOf = (entry: BudgetEntry) => {
    if (entry.verifiedRespondentId) return `r:${entry.verifiedRespondentId}:${entry.item.surveyId}`;
    return entry.clientHash ? `a:${entry.clientHash}:${entry.item.surveyId}` : undefined;
  };
  const keys = [...new Set(fresh.map(keyOf).filter((key): key is string => key !== undefined))].sort(
    compareText,
  );
  if (keys.length === 0) return quarantined;
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${arrayLiteral(keys.map((key) => `${projectId}:${key}`))}::text[]) with ordinality as locks(k, n) order by n`,
  );
  const used = new Map<string, number>();
  const earliest = (list: BudgetEntry[]) => Math.min(...list.map((entry) => entry.now.getTime()));
  // One index range per (survey, address) or (survey, respondent) pair, each counted on its own
  // (a lateral subquery per pair): a plain `= any(…)` with GROUP BY lets the planner scan the
  // whole hour of the project's responses to get them in group order.
  const pairs = (list: BudgetEntry[], of: (entry: BudgetEntry) => string) => [
    ...new Map(
      list.map((entry) => [
        `${of(entry)}:${entry.item.surveyId}`,
        { key: of(entry), survey_id: entry.item.surveyId },
      ]),
    ).values(),
  ];
  const byAddress = fresh.filter((entry) => keyOf(entry)?.startsWith('a:'));
  if (byAddress.length > 0) {
    const since = new Date(earliest(byAddress) - hourMs).toISOString();
    const rows = await selectRows<{ key: string; survey_id: string; n: number }>(
      tx,
      sql`
      select p.key, p.survey_id, (
        select count(*)::int from ${responses} r
        where r.project_id = ${projectId} and r.survey_id = p.survey_id and r.client_hash = p.key
          and r.received_at > ${since}::timestamptz and not r.quarantined and r.identity <> 'verified'
      ) as n
      from json_to_recordset(${JSON.stringify(pairs(byAddress, (entry) => entry.clientHash!))}::json)
        as p(key text, survey_id uuid)`,
    );
    for (const row of rows) used.set(`a:${row.key}:${row.survey_id}`, row.n);
  }
  const byRespondent = fresh.filter((entry) => entry.verifiedRespondentId);
  if (byRespondent.length > 0) {
    const since = new Date(earliest(byRespondent) - dayMs).toISOString();
    const rows = await selectRows<{ key: string; survey_id: string; n: number }>(
      tx,
      sql`
      select p.key, p.survey_id, (
        select count(*)::int from ${responses} r
        where r.project_id = ${projectId} and r.respondent_id = p.key::uuid and r.survey_id = p.survey_id
          and r.identity = 'verified' and r.received_at > ${since}::timestamptz and not r.quarantined
      ) as n
      from json_to_recordset(${JSON.stringify(pairs(byRespondent, (entry) => entry.verifiedRespondentId!))}::json)
        as p(key text, survey_id uuid)`,
    );
    for (const row of rows) used.set(`r:${row.key}:${row.survey_id}`, row.n);
  }
  for (const entry of fresh) {
    const key = keyOf(entry);
    if (!key) continue;
    const limit = key.startsWith('r:') ? entry.budget.perRespondentPerDay : entry.budget.perAddressPerHour;
    const count = used.get(key) ?? 0;
    if (count >= limit) quarantined.add(entry.item.id);
    else used.set(key, count + 1);
  }
  return quarantined;
}

/** One request's responses, checked and ready to be written (in a group with others). */
interface PreparedBatch {
  projectId: string;
  /** The items as received (blank comments made null), for error paths. */
  items: ResponseInput[];
  /** One item per id (duplicates merged), in the order sent. */
  unique: ResponseInput[];
  ids: Set<string>;
  kinds: SurveyKindById;
  treatment: Map<string, IdentityTreatment>;
  /** The external ids this batch verifies (a valid signature). */
  signedIds: Set<string>;
  clientHash: string | null;
  now: Date;
  budget: CountedBudget | undefined;
}

interface BatchResult {
  created: string[];
  completed: string[];
}

/** The transaction of a group failed because some of its batches reuse stored ids (409 each). */
class GroupConflict extends Error {
  constructor(readonly storedIds: Set<string>) {
    super('Some responses are already stored with another survey or score');
  }
}

/** The 409 of one batch: every item whose id is stored with another survey or score. */
function conflictOf(batch: PreparedBatch, storedIds: Set<string>): ConflictError | undefined {
  const conflicts: FieldError[] = [];
  batch.items.forEach((item, index) => {
    if (!storedIds.has(item.id)) {
      conflicts.push({
        path: `responses.${index}.id`,
        message: 'already stored with another survey or score',
      });
    }
  });
  if (conflicts.length === 0) return undefined;
  return new ConflictError(
    conflicts,
    'A response with this id is already stored with another survey or score',
  );
}

/**
 * How each response's identity is treated across a group: as its own batch decided, except that an
 * unsigned claim never merges into a respondent another batch of the group verifies (exactly as
 * within one batch).
 */
function groupTreatment(batches: PreparedBatch[]): Map<string, IdentityTreatment> {
  if (batches.length === 1) return batches[0]!.treatment;
  const signed = new Set(batches.flatMap((batch) => [...batch.signedIds]));
  const treatment = new Map<string, IdentityTreatment>();
  for (const batch of batches) {
    for (const item of batch.unique) {
      const how = batch.treatment.get(item.id)!;
      const externalId = item.respondent?.externalId;
      treatment.set(
        item.id,
        how === 'merge-unverified' && externalId && signed.has(externalId) ? 'claim' : how,
      );
    }
  }
  return treatment;
}

/**
 * Writes a group of batches of one project in one transaction: respondents, responses, counted
 * budget, comments that complete stored responses, follow-up rules, activity and webhook messages,
 * each as one multi-row statement for the whole group. Throws GroupConflict (after which the
 * transaction is rolled back) when a stored id is reused for another survey or score.
 */
async function writeGroup(tx: Tx, projectId: string, batches: PreparedBatch[], rules: readonly RuleRow[]) {
  const batchOf = new Map<string, PreparedBatch>();
  for (const batch of batches) for (const item of batch.unique) batchOf.set(item.id, batch);
  // In the order sent, so a respondent's later email and traits win over earlier ones; the
  // upsert sorts its own rows for locking.
  const arrived = batches.flatMap((batch) => batch.unique);
  // In id order, so concurrent transactions lock the same rows in the same order.
  const sorted = [...arrived].sort(byId);
  const treatment = groupTreatment(batches);
  const kindOf = (item: ResponseInput) => batchOf.get(item.id)!.kinds.get(item.surveyId)!;
  const respondentOf = await upsertRespondents(tx, projectId, arrived, treatment);
  // Which ids are stored already (resends): they count for no budget and open nothing anew.
  const stored = new Set(
    (
      await tx
        .select({ id: responses.id })
        .from(responses)
        .where(
          and(
            eq(responses.projectId, projectId),
            anyOf(
              responses.id,
              sorted.map((item) => item.id),
              'uuid',
            ),
          ),
        )
    ).map((row) => row.id),
  );
  const quarantined = await overBudget(
    tx,
    projectId,
    arrived.flatMap((item) => {
      const batch = batchOf.get(item.id)!;
      if (!batch.budget) return [];
      return [
        {
          item,
          clientHash: batch.clientHash,
          budget: batch.budget,
          now: batch.now,
          verifiedRespondentId:
            treatment.get(item.id) === 'verified' ? respondentOf.get(item.id)?.id : undefined,
        },
      ];
    }),
    stored,
  );
  const subject = (item: ResponseInput) => ({
    id: item.id,
    surveyId: item.surveyId,
    kind: kindOf(item),
    score: item.score,
    comment: item.comment ?? null,
    // Conditions on traits see everything known of the respondent, not only this send; an
    // unverified claim only its own traits.
    traits: respondentOf.get(item.id)?.traits ?? item.respondent?.traits ?? {},
  });
  // New responses are inserted with the follow-up the rules give them; quarantined ones open
  // nothing until staff accept them.
  const counted = sorted.filter((item) => !stored.has(item.id) && !quarantined.has(item.id));
  const followUps = await followUpsOfNew(tx, projectId, counted.map(subject), rules);
  // One parameter for the whole group (a JSON array of rows), not one per value: building a
  // statement of thousands of parameters costs more CPU than the database spends on it.
  const rows = await selectRows<{ id: string; inserted: boolean }>(
    tx,
    sql`
    insert into ${responses} (project_id, id, survey_id, kind, score, comment, respondent_id, identity,
      claimed_respondent, context, url, locale, submitted_at, received_at, client_hash, quarantined,
      follow_up_status, due_at, assignee_id, tags)
    select ${projectId}::uuid, r.id, r.survey_id, r.kind, r.score, r.comment, r.respondent_id, r.identity,
      r.claimed_respondent, r.context, r.url, r.locale, r.submitted_at, r.received_at, r.client_hash,
      r.quarantined, r.follow_up_status, r.due_at, r.assignee_id,
      array(select distinct tag from unnest(r.tags) as tag order by tag)
    from json_to_recordset(${JSON.stringify(
      sorted.map((item) => {
        const { now, clientHash } = batchOf.get(item.id)!;
        const submittedAt = new Date(item.submittedAt);
        const identity = identityColumns(item, treatment.get(item.id)!, respondentOf.has(item.id));
        const followUp = followUps.get(item.id);
        return {
          id: item.id,
          survey_id: item.surveyId,
          kind: kindOf(item),
          score: item.score,
          comment: item.comment ?? null,
          respondent_id: respondentOf.get(item.id)?.id ?? null,
          identity: identity.identity,
          claimed_respondent: identity.claimedRespondent,
          context: storedContext(item.context),
          url: item.context.url,
          locale: item.context.locale ?? null,
          // A visitor's clock may run ahead; a response is never from the future.
          submitted_at: (submittedAt > now ? now : submittedAt).toISOString(),
          received_at: now.toISOString(),
          client_hash: clientHash,
          quarantined: quarantined.has(item.id),
          follow_up_status: followUp?.followUpStatus ?? 'none',
          due_at: followUp?.dueAt ?? null,
          assignee_id: followUp?.assigneeId ?? null,
          tags: followUp?.tags ?? [],
        };
      }),
    )}::json) as r(id uuid, survey_id uuid, kind text, score smallint, comment text, respondent_id uuid,
      identity text, claimed_respondent jsonb, context jsonb, url text, locale text,
      submitted_at timestamptz, received_at timestamptz, client_hash text, quarantined boolean,
      follow_up_status text, due_at timestamptz, assignee_id uuid, tags text[])
    -- Locks the stored row, so concurrent sends of one id take their turns; the comment is added
    -- below. Only when the stored survey and score match: otherwise no row comes back (409).
    on conflict (project_id, id) do update set
      respondent_id = coalesce(${responses}.respondent_id, excluded.respondent_id),
      identity = case when ${responses}.identity = 'anonymous' then excluded.identity else ${responses}.identity end,
      claimed_respondent = coalesce(${responses}.claimed_respondent, excluded.claimed_respondent)
    where ${responses}.survey_id = excluded.survey_id and ${responses}.score = excluded.score
    -- xmax = 0 only on a row this statement inserted (not on one it updated).
    returning id, (xmax = 0) as inserted`,
  );
  if (rows.length !== sorted.length) throw new GroupConflict(new Set(rows.map((row) => row.id)));
  const inserted = new Set(rows.filter((row) => row.inserted).map((row) => row.id));
  // Stored partial responses whose comment arrives now. The first comment wins: this statement
  // runs after any concurrent send of the same id has committed (the row lock above) and only
  // fills a comment still missing, so a comment completes a response once, and the rules that
  // need a comment get their chance once (whether or not another rule already opened it).
  const completing = sorted.filter((item) => item.comment != null && !inserted.has(item.id));
  const completedRows =
    completing.length === 0
      ? []
      : await selectRows<{ id: string; status: FollowUpStatus; assigneeId: string | null }>(
          tx,
          sql`
          update ${responses} as r set comment = c.comment, updated_at = now()
          from json_to_recordset(${JSON.stringify(
            completing.map((item) => ({ id: item.id, comment: item.comment })),
          )}::json) as c(id uuid, comment text)
          where r.project_id = ${projectId} and r.id = c.id and r.comment is null
          -- The follow-up as it was before the comment rules below, for the webhook events.
          returning r.id, r.follow_up_status as status, r.assignee_id as "assigneeId"`,
        );
  const completed = new Map(completedRows.map(({ id, ...before }) => [id, before]));
  // The rules' activity of the new responses this transaction did insert. A response that was
  // not stored when checked but is not new now was inserted by another transaction meanwhile; one
  // stored when checked but inserted now was erased meanwhile: the rules are applied to it now.
  await recordActivity(
    tx,
    projectId,
    [...followUps].flatMap(([id, followUp]) => (inserted.has(id) ? followUp.activity : [])),
  );
  await applyRules(
    tx,
    projectId,
    sorted
      .filter((item) => inserted.has(item.id) && stored.has(item.id) && !quarantined.has(item.id))
      .map(subject),
    { rules },
  );
  await applyRules(tx, projectId, sorted.filter((item) => completed.has(item.id)).map(subject), {
    onlyCommentRules: true,
    rules,
  });
  // New responses' follow-ups are known: the rules decided them (or none matched). Those the
  // rules were applied to after insertion are read back.
  const decided = new Map<string, { followUpStatus: string; assigneeId: string | null }>();
  for (const id of inserted) if (!stored.has(id)) decided.set(id, followUps.get(id) ?? noFollowUp);
  await enqueueWebhookMessages(tx, projectId, ingestionEvents(inserted, completed, decided));
  return batches.map(
    (batch): BatchResult => ({
      created: batch.unique.filter((item) => inserted.has(item.id)).map((item) => item.id),
      completed: batch.unique.filter((item) => completed.has(item.id)).map((item) => item.id),
    }),
  );
}

/** SQLSTATE classes of errors a row's own data may cause: data exceptions, constraint violations. */
const dataErrorClasses = new Set(['22', '23']);

const noFollowUp = { followUpStatus: 'none', assigneeId: null };

/** Largest group, in responses: a few hundred rows keep every statement's parameters well in bounds. */
const maxGroupRows = 500;

/** The group commit of each database (one per process and database). */
const groupCommits = new WeakMap<Db, GroupCommit<PreparedBatch, BatchResult>>();

function groupCommitOf(db: Db): GroupCommit<PreparedBatch, BatchResult> {
  let groups = groupCommits.get(db);
  if (!groups) {
    groups = new GroupCommit<PreparedBatch, BatchResult>(
      {
        weight: (batch) => batch.unique.length,
        // An id at most once per group: two sends of one id take their turns in two transactions.
        fits: (batch, taken) => !taken.some((other) => [...batch.ids].some((id) => other.ids.has(id))),
        write: async (batches) => {
          const projectId = batches[0]!.projectId;
          const rules = await catalogOf(db).enabledRules(projectId);
          const results = await withRetry(() =>
            db.transaction((tx) => writeGroup(tx, projectId, batches, rules)),
          );
          // Committed: staff watching the inbox see new responses (and comments that arrived) live.
          announce(projectId, { type: 'created', responseIds: results.flatMap((result) => result.created) });
          announce(projectId, {
            type: 'updated',
            responseIds: results.flatMap((result) => result.completed),
          });
          return results;
        },
        culprits: (error, batches) => {
          if (!(error instanceof GroupConflict)) return undefined;
          const culprits = new Map<PreparedBatch, Error>();
          for (const batch of batches) {
            const conflict = conflictOf(batch, error.storedIds);
            if (conflict) culprits.set(batch, conflict);
          }
          return culprits;
        },
        mayBeOneMembers: (error) => dataErrorClasses.has(sqlState(error)?.slice(0, 2) ?? ''),
      },
      // Two groups of a project at once: the next one is built and sent while the first commits.
      { concurrency: 2, maxWeight: maxGroupRows },
    );
    groupCommits.set(db, groups);
  }
  return groups;
}

/**
 * Stores a batch of responses exactly once. Resolves only after the transaction holding it has
 * committed; concurrent batches of the project are written together (group commit), yet each
 * succeeds or fails on its own. Throws a ValidationError (nothing stored) for unknown surveys and
 * out-of-range scores, and a ConflictError (nothing of this batch stored) when an id is already
 * stored with another survey or score.
 */
export async function ingestResponses(
  db: Db,
  projectId: string,
  received: ResponseInput[],
  options: IngestOptions = {},
): Promise<string[]> {
  // A blank comment is no comment: it must not block the real one a later send adds.
  const items = received.map((item) =>
    item.comment != null && item.comment.trim() === '' ? { ...item, comment: null } : item,
  );
  const errors: FieldError[] = [];
  const now = options.receivedAt ?? new Date();
  const [kinds, policy] = await Promise.all([
    liveSurveyKinds(db, projectId),
    options.identity ?? identityPolicy(db, projectId),
  ]);
  items.forEach((item, index) => {
    // Bounded so nobody can rewrite history (backdating) or post into the future.
    const submittedAt = Date.parse(item.submittedAt);
    if (submittedAt < now.getTime() - maxResponseAgeMs) {
      errors.push({
        path: `responses.${index}.submittedAt`,
        message: 'is more than 7 days before it arrived; answers that old are not accepted',
      });
    } else if (submittedAt > now.getTime() + maxClockSkewMs) {
      errors.push({
        path: `responses.${index}.submittedAt`,
        message: 'is more than 5 minutes after it arrived',
      });
    }
    const kind = kinds.get(item.surveyId);
    if (!kind) {
      errors.push({ path: `responses.${index}.surveyId`, message: 'no survey with this id in this project' });
    } else if (!isValidScore(kind, item.score)) {
      const { min, max } = scoreRanges[kind];
      errors.push({
        path: `responses.${index}.score`,
        message: `must be an integer from ${min} to ${max} for ${kindNames[kind]} survey`,
      });
    }
  });
  const unique = mergeDuplicates(items, errors);
  if (errors.length > 0) throw new ValidationError(errors);

  const batch = [...unique.values()];
  const treatment = classifyIdentities(batch, policy);
  const signedIds = new Set(
    batch.filter((item) => treatment.get(item.id) === 'verified').map((item) => item.respondent!.externalId!),
  );
  const clientHash =
    options.clientAddress !== undefined ? await hashClientAddress(db, options.clientAddress, now) : null;
  await groupCommitOf(db).submit(projectId, {
    projectId,
    items,
    unique: batch,
    ids: new Set(unique.keys()),
    kinds,
    treatment,
    signedIds,
    clientHash,
    now,
    budget: options.budget,
  });
  // Every id is stored (a conflict fails the whole batch); in the order they were sent.
  return [...unique.keys()];
}

/** One request's events, checked, as rows to insert. */
interface EventRow {
  id: string;
  survey_id: string;
  type: string;
  at: string;
}

/** The group commit of events, per database: concurrent requests' events in one insert. */
const eventGroupCommits = new WeakMap<Db, GroupCommit<{ projectId: string; rows: EventRow[] }, void>>();

function eventGroupCommitOf(db: Db) {
  let groups = eventGroupCommits.get(db);
  if (!groups) {
    groups = new GroupCommit<{ projectId: string; rows: EventRow[] }, void>(
      {
        weight: (batch) => batch.rows.length,
        // A resent id is ignored by the insert itself, in one group or across groups.
        fits: () => true,
        write: async (batches) => {
          // In id order, so concurrent inserts lock the same index entries in the same order.
          const rows = batches.flatMap((batch) => batch.rows).sort(byId);
          await withRetry(() =>
            db.execute(sql`
              insert into ${events} (project_id, id, survey_id, type, at)
              select ${batches[0]!.projectId}::uuid, e.id, e.survey_id, e.type, e.at
              from json_to_recordset(${JSON.stringify(rows)}::json)
                as e(id uuid, survey_id uuid, type text, at timestamptz)
              on conflict do nothing`),
          );
          return batches.map(() => undefined);
        },
        culprits: () => undefined,
        mayBeOneMembers: (error) => dataErrorClasses.has(sqlState(error)?.slice(0, 2) ?? ''),
      },
      { concurrency: 2, maxWeight: maxGroupRows },
    );
    eventGroupCommits.set(db, groups);
  }
  return groups;
}

/**
 * Stores a batch of widget events exactly once (a resent event id is ignored). Concurrent batches
 * of a project are inserted together (group commit); resolves after the commit.
 */
export async function ingestEvents(db: Db, projectId: string, items: EventInput[]): Promise<string[]> {
  const kinds = await liveSurveyKinds(db, projectId);
  const errors: FieldError[] = [];
  items.forEach((item, index) => {
    if (!kinds.has(item.surveyId)) {
      errors.push({ path: `events.${index}.surveyId`, message: 'no survey with this id in this project' });
    }
  });
  if (errors.length > 0) throw new ValidationError(errors);
  const now = new Date();
  await eventGroupCommitOf(db).submit(projectId, {
    projectId,
    rows: items.map((item) => {
      const at = new Date(item.at);
      return {
        id: item.id,
        survey_id: item.surveyId,
        type: item.type,
        at: (at > now ? now : at).toISOString(),
      };
    }),
  });
  return [...new Set(items.map((item) => item.id))];
}

/**
 * Follow-up rules: which new responses open a follow-up, when it is due, who owns it, which tags
 * it gets. Rules apply at ingestion, inside the ingestion transaction.
 */
import {
  normalizeTags,
  type Rule,
  type RuleConditions,
  type RuleCreate,
  type RuleEffects,
  ruleCreateSchema,
  type SurveyKind,
} from '@closeloop/shared';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { selectRows } from '../db/rows.ts';
import { followUpRules, responses, staffUsers } from '../db/schema/index.ts';
import { type ActivityInput, recordActivity } from './activity.ts';
import { activeStaff } from './staff.ts';

export type RuleRow = typeof followUpRules.$inferSelect;

/** The rules every project starts with: NPS ≤ 6, CSAT ≤ 2, CES ≤ 3 open a follow-up due in 48 hours. */
export const defaultRules: RuleCreate[] = [
  { name: 'Detractors (NPS 0–6)', position: 10, conditions: { kind: 'nps', scoreAtMost: 6 }, effects: {} },
  { name: 'Unsatisfied (CSAT 1–2)', position: 20, conditions: { kind: 'csat', scoreAtMost: 2 }, effects: {} },
  { name: 'High effort (CES 1–3)', position: 30, conditions: { kind: 'ces', scoreAtMost: 3 }, effects: {} },
];

/** Inserts the default rules for a new project. */
export async function insertDefaultRules(tx: Db | Tx, projectId: string) {
  await tx
    .insert(followUpRules)
    .values(defaultRules.map((rule) => ({ ...ruleCreateSchema.parse(rule), projectId })));
}

export function toRule(row: RuleRow): Rule {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    position: row.position,
    conditions: row.conditions,
    effects: row.effects,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What rules look at in a response. */
export interface RuleSubject {
  id: string;
  surveyId: string;
  kind: SurveyKind;
  score: number;
  comment: string | null;
  traits: Record<string, unknown>;
}

/** Whether a response meets every condition a rule gives. */
export function ruleMatches(conditions: RuleConditions, subject: RuleSubject): boolean {
  if (conditions.surveyId && conditions.surveyId !== subject.surveyId) return false;
  if (conditions.kind && conditions.kind !== subject.kind) return false;
  if (conditions.scoreAtMost !== null && subject.score > conditions.scoreAtMost) return false;
  if (conditions.scoreAtLeast !== null && subject.score < conditions.scoreAtLeast) return false;
  const hasComment = (subject.comment ?? '').trim() !== '';
  if (conditions.hasComment !== null && conditions.hasComment !== hasComment) return false;
  if (conditions.trait && subject.traits[conditions.trait.key] !== conditions.trait.value) return false;
  return true;
}

interface Outcome {
  open: boolean;
  dueInHours: number | null;
  assigneeId: string | null;
  tags: string[];
  rules: { rule: RuleRow; effects: RuleEffects; assigneeId: string | null }[];
}

/** Every rule that matches each subject, combined: what applying them changes, per response. */
interface Decided {
  outcomes: Map<string, Outcome>;
  /** The response ids each round-robin rule assigns, in order. */
  roundRobin: Map<string, string[]>;
}

/**
 * Every matching rule applies, in `position` order: the follow-up opens if any rule opens it, the
 * earliest due date wins, the first rule that assigns decides the assignee, and tags add up.
 */
function decide(subjects: RuleSubject[], rules: readonly RuleRow[]): Decided {
  const outcomes = new Map<string, Outcome>();
  const roundRobin = new Map<string, string[]>();
  for (const subject of subjects) {
    for (const rule of rules) {
      if (!ruleMatches(rule.conditions, subject)) continue;
      const outcome = outcomes.get(subject.id) ?? {
        open: false,
        dueInHours: null,
        assigneeId: null,
        tags: [],
        rules: [],
      };
      const effects = rule.effects;
      if (effects.open) {
        outcome.open = true;
        if (effects.dueInHours !== null) {
          outcome.dueInHours = Math.min(outcome.dueInHours ?? Number.POSITIVE_INFINITY, effects.dueInHours);
        }
      }
      // Rules stored before tags were lower-cased may still hold capitals.
      outcome.tags = normalizeTags([...outcome.tags, ...effects.addTags]);
      outcome.rules.push({ rule, effects, assigneeId: null });
      if (effects.assign?.type === 'round_robin' && outcome.assigneeId === null) {
        roundRobin.set(rule.id, [...(roundRobin.get(rule.id) ?? []), subject.id]);
        outcome.assigneeId = `round_robin:${rule.id}`;
      } else if (effects.assign?.type === 'user' && outcome.assigneeId === null) {
        outcome.assigneeId = `user:${effects.assign.userId}`;
      }
      outcomes.set(subject.id, outcome);
    }
  }
  return { outcomes, roundRobin };
}

/** The project's enabled rules in order (when the caller does not have them from the catalog). */
async function enabledRules(tx: Tx, projectId: string): Promise<readonly RuleRow[]> {
  return tx
    .select()
    .from(followUpRules)
    .where(and(eq(followUpRules.projectId, projectId), eq(followUpRules.enabled, true)))
    .orderBy(asc(followUpRules.position), asc(followUpRules.createdAt));
}

/** The activity entries of the rules applied to one response, as it is after them. */
function ruleActivity(
  responseId: string,
  outcome: Outcome,
  after: { status: string | null; dueAt: string | null; assigneeId: string | null },
): ActivityInput[] {
  return outcome.rules.map(({ rule }) => ({
    responseId,
    type: 'rule_applied' as const,
    actor: { kind: 'rule' as const, id: rule.id, name: rule.name },
    detail: {
      status: after.status,
      dueAt: after.dueAt,
      assigneeId: after.assigneeId,
      addedTags: normalizeTags(rule.effects.addTags),
    },
  }));
}

/** The follow-up a new response starts with, as the rules decided it (see `followUpsOfNew`). */
export interface NewFollowUp {
  followUpStatus: 'none' | 'open';
  dueAt: string | null;
  assigneeId: string | null;
  tags: string[];
  /** The activity to record once the response is stored. */
  activity: ActivityInput[];
}

/**
 * What the rules make of responses about to be inserted, so that they are inserted with their
 * follow-up already set (rather than inserted, then updated: twice the writing). Resolves
 * assignees (a round-robin turn is taken here); the caller records `activity` for the responses
 * it did insert.
 */
export async function followUpsOfNew(
  tx: Tx,
  projectId: string,
  subjects: RuleSubject[],
  rules: readonly RuleRow[],
): Promise<Map<string, NewFollowUp>> {
  const result = new Map<string, NewFollowUp>();
  if (subjects.length === 0 || rules.length === 0) return result;
  const { outcomes, roundRobin } = decide(subjects, rules);
  if (outcomes.size === 0) return result;
  const resolvedAssignee = await resolveAssignees(tx, projectId, outcomes, roundRobin);
  const now = Date.now();
  for (const [responseId, outcome] of outcomes) {
    const followUp = {
      followUpStatus: outcome.open ? ('open' as const) : ('none' as const),
      dueAt:
        outcome.open && outcome.dueInHours !== null
          ? new Date(now + outcome.dueInHours * 3600_000).toISOString()
          : null,
      assigneeId: resolvedAssignee.get(responseId) ?? null,
      tags: outcome.tags,
    };
    result.set(responseId, {
      ...followUp,
      activity: ruleActivity(responseId, outcome, {
        status: followUp.followUpStatus,
        dueAt: followUp.dueAt,
        assigneeId: followUp.assigneeId,
      }),
    });
  }
  return result;
}

/**
 * Applies the project's enabled rules to responses already stored (a quarantined response
 * accepted; a partial response whose comment arrived: `onlyCommentRules` re-runs only the rules
 * that need a comment). New responses get their follow-up as they are inserted
 * (`followUpsOfNew`).
 */
export async function applyRules(
  tx: Tx,
  projectId: string,
  subjects: RuleSubject[],
  options: {
    onlyCommentRules?: boolean;
    /** The project's enabled rules in order, when the caller has them (the catalog). */
    rules?: readonly RuleRow[];
  } = {},
) {
  if (subjects.length === 0) return;
  let rules = options.rules ?? (await enabledRules(tx, projectId));
  if (options.onlyCommentRules) rules = rules.filter((rule) => rule.conditions.hasComment === true);
  if (rules.length === 0) return;
  const { outcomes, roundRobin } = decide(subjects, rules);
  if (outcomes.size === 0) return;

  const resolvedAssignee = await resolveAssignees(tx, projectId, outcomes, roundRobin);
  const now = new Date();
  // Every response in one statement, its changes as one JSON parameter. The rows are locked
  // already: this transaction has just accepted them or completed their comment.
  const changes = [...outcomes].map(([responseId, outcome]) => ({
    id: responseId,
    open: outcome.open,
    due_at:
      outcome.open && outcome.dueInHours !== null
        ? new Date(now.getTime() + outcome.dueInHours * 3600_000).toISOString()
        : null,
    assignee_id: resolvedAssignee.get(responseId) ?? null,
    tags: outcome.tags,
  }));
  const updated = await selectRows<{
    id: string;
    status: string;
    due_at: string | null;
    assignee_id: string | null;
  }>(
    tx,
    sql`
    update ${responses} as r set
      updated_at = ${now.toISOString()}::timestamptz,
      follow_up_status = case when c.open and r.follow_up_status = 'none' then 'open' else r.follow_up_status end,
      due_at = coalesce(r.due_at, c.due_at),
      assignee_id = coalesce(r.assignee_id, c.assignee_id),
      tags = case when cardinality(c.tags) > 0
        then array(select distinct tag from unnest(r.tags || c.tags) as tag order by tag)
        else r.tags end
    from json_to_recordset(${JSON.stringify(changes)}::json)
      as c(id uuid, open boolean, due_at timestamptz, assignee_id uuid, tags text[])
    where r.project_id = ${projectId} and r.id = c.id
    returning r.id, r.follow_up_status as status, to_json(r.due_at) #>> '{}' as due_at, r.assignee_id`,
  );
  const after = new Map(updated.map((row) => [row.id, row]));
  const activity: ActivityInput[] = [];
  for (const [responseId, outcome] of outcomes) {
    const row = after.get(responseId);
    activity.push(
      ...ruleActivity(responseId, outcome, {
        status: row?.status ?? null,
        dueAt: row?.due_at ? new Date(row.due_at).toISOString() : null,
        assigneeId: row?.assignee_id ?? null,
      }),
    );
  }
  await recordActivity(tx, projectId, activity);
}

/** SQL: the response's tags with `tags` added, without duplicates. */
export function mergedTags(tags: string[]) {
  const added = sql`array[${sql.join(
    tags.map((tag) => sql`${tag}`),
    sql`, `,
  )}]::text[]`;
  return sql`array(select distinct tag from unnest(${responses.tags} || ${added}) as tag order by tag)`;
}

/**
 * Turns `user:<id>` markers into that user when still active (and not a viewer), and
 * `round_robin:<rule>` markers into the project's active agents in turn. A response whose
 * assignee cannot be found (no active agent) stays unassigned.
 */
async function resolveAssignees(
  tx: Tx,
  projectId: string,
  outcomes: Map<string, Outcome>,
  roundRobin: Map<string, string[]>,
): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const named = [...outcomes.values()]
    .map((outcome) => outcome.assigneeId)
    .filter((marker): marker is string => marker?.startsWith('user:') ?? false)
    .map((marker) => marker.slice(5));
  const activeNamed = named.length
    ? new Set(
        (
          await tx
            .select({ id: staffUsers.id, role: staffUsers.role, deactivatedAt: staffUsers.deactivatedAt })
            .from(staffUsers)
            .where(and(eq(staffUsers.projectId, projectId), inArray(staffUsers.id, [...new Set(named)])))
        )
          .filter((user) => !user.deactivatedAt && user.role !== 'viewer')
          .map((user) => user.id),
      )
    : new Set<string>();
  for (const [responseId, outcome] of outcomes) {
    const marker = outcome.assigneeId;
    if (marker?.startsWith('user:') && activeNamed.has(marker.slice(5)))
      result.set(responseId, marker.slice(5));
  }
  if (roundRobin.size === 0) return result;
  // Round-robin shares the work among agents only: owners and admins are assigned by name.
  const agents = await activeStaff(tx, projectId, ['agent']);
  if (agents.length === 0) return result;
  for (const [ruleId, responseIds] of roundRobin) {
    // Reserve as many turns as responses, atomically, so concurrent batches never share a turn.
    const [row] = await tx
      .update(followUpRules)
      .set({ roundRobinCount: sql`${followUpRules.roundRobinCount} + ${responseIds.length}` })
      .where(and(eq(followUpRules.projectId, projectId), eq(followUpRules.id, ruleId)))
      .returning({ count: followUpRules.roundRobinCount });
    const first = (row?.count ?? responseIds.length) - responseIds.length;
    responseIds.forEach((responseId, index) => {
      result.set(responseId, agents[(first + index) % agents.length]!.id);
    });
  }
  return result;
}

import type { Activity } from '@closeloop/shared';
import type { FollowUpStatus } from '@closeloop/shared/kinds';
import { formatDateTime, statusLabels } from '../../lib/format.ts';

/** Whether `next` was written by the same rule run as `entry` (rules of one arrival share a time). */
export function sameRuleRun(entry: Activity, next: Activity | undefined): boolean {
  return (
    !!next &&
    entry.type === 'rule_applied' &&
    next.type === 'rule_applied' &&
    next.createdAt === entry.createdAt
  );
}

const listOf = (words: string[]) => words.join(', ');

export function ActivityLine({
  entry,
  nameOf,
  lastOfRun,
}: {
  entry: Activity;
  nameOf: (id: string | null) => string;
  /** The last of the rules applied together: it carries their common outcome. */
  lastOfRun: boolean;
}) {
  const d = entry.detail as Record<string, unknown>;
  const who = entry.actor.kind === 'rule' ? `Rule "${entry.actor.name}"` : entry.actor.name;
  switch (entry.type) {
    case 'status_changed':
      return (
        <span>
          {who} changed the status from {statusLabels[d.from as FollowUpStatus]} to{' '}
          {statusLabels[d.to as FollowUpStatus]}
        </span>
      );
    case 'assignee_changed':
      return <span>{assigneeSentence(who, entry, d.to as string | null, nameOf)}</span>;
    case 'due_changed':
      return (
        <span>
          {who} set the due date to {formatDateTime(d.to as string | null)}
        </span>
      );
    case 'tags_changed':
      return (
        <span>
          {who} changed tags{(d.added as string[]).length ? ` +${(d.added as string[]).join(', +')}` : ''}
          {(d.removed as string[]).length ? ` −${(d.removed as string[]).join(', −')}` : ''}
        </span>
      );
    case 'note_added':
      return <span>{who} added a note</span>;
    case 'reply_sent':
      return (
        <span>
          {who} emailed {String(d.to)}: “{String(d.subject)}”<span class="reply-body">{String(d.body)}</span>
        </span>
      );
    case 'rule_applied':
      return <span>{ruleSentence(who, d, nameOf, lastOfRun)}</span>;
    default:
      return <span>{who}</span>;
  }
}

/**
 * A rule that matched a new response. The API records the tags this rule added and, on every rule
 * of the same arrival, the follow-up they produced together (status, due date, assignee); that
 * outcome is told once, after the last rule of the run, and only when there is one.
 */
function ruleSentence(
  who: string,
  d: Record<string, unknown>,
  nameOf: (id: string | null) => string,
  lastOfRun: boolean,
): string {
  const tags = Array.isArray(d.addedTags) ? (d.addedTags as string[]) : [];
  let sentence = `${who} matched`;
  if (tags.length) sentence += `: added the ${tags.length === 1 ? 'tag' : 'tags'} ${listOf(tags)}`;
  if (!lastOfRun) return sentence;
  const status = typeof d.status === 'string' ? (d.status as FollowUpStatus) : 'none';
  const outcome: string[] = [];
  if (status !== 'none') outcome.push(`follow-up ${statusLabels[status] ?? status}`);
  if (typeof d.dueAt === 'string') outcome.push(`due ${formatDateTime(d.dueAt)}`);
  if (typeof d.assigneeId === 'string') outcome.push(`assigned to ${nameOf(d.assigneeId)}`);
  return outcome.length ? `${sentence} → ${listOf(outcome)}` : sentence;
}

/**
 * Who owns it now, in words: someone taking a follow-up themselves "took it" (never "Olivia assigned
 * it to Olivia"); a follow-up given back to nobody is "unassigned".
 */
export function assigneeSentence(
  who: string,
  entry: Activity,
  to: string | null,
  nameOf: (id: string | null) => string,
): string {
  if (to === null) return `${who} unassigned it`;
  if (entry.actor.kind === 'user' && entry.actor.id === to) return `${who} took it`;
  return `${who} assigned it to ${nameOf(to)}`;
}

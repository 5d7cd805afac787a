import type { ResponseRecord } from '@closeloop/shared';
import { IdentityBadge } from '../../components/IdentityBadge.tsx';
import {
  bandClass,
  customerLabel,
  dueLabel,
  formatDateTime,
  isOverdue,
  kindLabel,
  statusLabels,
} from '../../lib/format.ts';

/**
 * One dense row (about 40 px on a desktop): score, who, survey and comment, tags, owner, due. On a
 * phone the same cells stack into three lines, never on top of each other.
 */
export function QueueRow({
  response,
  index,
  selected,
  checked,
  onCheck,
  onSelect,
  surveyName,
  ownerName,
}: {
  response: ResponseRecord;
  index: number;
  selected: boolean;
  /** Whether its box is ticked for a bulk action; undefined: no box (viewers cannot change). */
  checked: boolean | undefined;
  onCheck: (checked: boolean) => void;
  onSelect: () => void;
  surveyName: string;
  ownerName: string;
}) {
  const { followUp } = response;
  const who = customerLabel(response);
  const active = followUp.status === 'open' || followUp.status === 'in_progress';
  return (
    <li
      data-index={index}
      data-response-id={response.id}
      class={selected ? 'selected' : undefined}
      aria-current={selected ? 'true' : undefined}
    >
      {checked !== undefined && (
        <input
          type="checkbox"
          class="pick"
          checked={checked}
          aria-label={`Select the response from ${who}`}
          onChange={(event) => onCheck(event.currentTarget.checked)}
        />
      )}
      <a href={`#/responses/${response.id}`} onClick={onSelect}>
        <span
          class={`score small ${bandClass(response.kind, response.score)}`}
          title={`${kindLabel(response.kind)} ${response.score}`}
        >
          {response.score}
        </span>
        <span class="who" title={who}>
          <IdentityBadge identity={response.identity} unverifiedOnly /> {who}
        </span>
        <span class="excerpt">
          <span class="survey">{surveyName}</span>{' '}
          {response.comment ? (
            <span class="comment">{response.comment}</span>
          ) : (
            <em class="muted">No comment</em>
          )}
        </span>
        <span class="tags">
          {followUp.tags.map((tag) => (
            <span class="tag" key={tag}>
              {tag}
            </span>
          ))}
        </span>
        <span class="owner">
          {followUp.status === 'in_progress' || followUp.status === 'resolved' ? (
            <span class={`status-pill status-${followUp.status}`}>{statusLabels[followUp.status]}</span>
          ) : null}{' '}
          <span class="assignee">{ownerName}</span>
        </span>
        <span
          class={followUp.dueAt && isOverdue(followUp.dueAt, followUp.status) ? 'due overdue' : 'due'}
          title={followUp.dueAt ? `Due ${formatDateTime(followUp.dueAt)}` : undefined}
        >
          {followUp.dueAt && active ? dueLabel(followUp.dueAt) : formatDateTime(response.submittedAt)}
        </span>
      </a>
    </li>
  );
}

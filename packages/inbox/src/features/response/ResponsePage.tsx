import type { Activity, ResponseRecord, StaffUser } from '@closeloop/shared';
import type { FollowUpStatus } from '@closeloop/shared/kinds';
import { followUpTransitions } from '@closeloop/shared/workflow';
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../../app/routes.ts';
import { Empty, ErrorNote, Loaded, useAction } from '../../components/status.tsx';
import {
  bandClass,
  formatDateTime,
  isOverdue,
  kindLabel,
  relative,
  safeHref,
  statusLabels,
  toLocalInput,
} from '../../lib/format.ts';
import { useStaff, useSurveys } from '../../lib/resources.ts';
import { useCan, useSession } from '../../lib/session.ts';
import {
  addNote,
  sendReply,
  updateFollowUp,
  useActivity,
  useHistory,
  useNotes,
  useResponse,
} from './data.ts';

/** Shown where a name is still loading. */
const pending = '…';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One response: what the respondent said, who they are, and everything done about it. */
export function ResponsePage({ path: { id = '' } }: PageProps) {
  // A link cut short (in an email or a chat) is not a response id: say so rather than ask the API.
  if (!uuid.test(id)) {
    return (
      <div class="page detail">
        <p>
          <a href="#/inbox">← Back to the inbox</a>
        </p>
        <h1>No such response</h1>
        <p role="alert">This link does not point to a response; it may have been cut short.</p>
      </div>
    );
  }
  return <ResponseDetail id={id} />;
}

function ResponseDetail({ id }: { id: string }) {
  const [response, reload] = useResponse(id);
  const [activity] = useActivity(id);
  const [notes] = useNotes(id);
  const [history] = useHistory(id);
  const [users] = useStaff();
  const [surveys] = useSurveys();
  const staff = users.state === 'ready' ? users.value : [];
  // Until the lists arrive nothing is known: a placeholder, never "Deleted survey" or "Nobody".
  const surveyName = (surveyId: string) =>
    surveys.state === 'ready'
      ? (surveys.value.find((s) => s.id === surveyId)?.name ?? 'Deleted survey')
      : surveys.state === 'loading'
        ? pending
        : 'Unknown survey';
  const nameOf = (userId: string | null) =>
    !userId
      ? 'Nobody'
      : users.state === 'ready'
        ? (staff.find((u) => u.id === userId)?.name ?? 'Unknown')
        : users.state === 'loading'
          ? pending
          : 'Unknown';

  return (
    <div class="page detail">
      <p>
        <a href="#/inbox">← Back to the inbox</a>
      </p>
      <Loaded load={response} retry={reload}>
        {(record) => (
          <div class="detail-grid">
            <section class="card response-card" aria-label="Response">
              <header class="response-head">
                <span class={`score big ${bandClass(record.kind, record.score)}`}>{record.score}</span>
                <div>
                  <h1 aria-busy={surveys.state === 'loading' ? 'true' : undefined}>
                    {kindLabel(record.kind)} ·{' '}
                    <span data-testid="survey-name">{surveyName(record.surveyId)}</span>
                  </h1>
                  <p class="muted">Submitted {formatDateTime(record.submittedAt)}</p>
                </div>
              </header>
              <blockquote class="comment-full" data-testid="comment">
                {record.comment ?? <em class="muted">No comment</em>}
              </blockquote>
              <dl class="facts">
                <dt>Page</dt>
                <dd>
                  {safeHref(record.context.url) ? (
                    <a href={safeHref(record.context.url)!} target="_blank" rel="noopener noreferrer">
                      {record.context.url}
                    </a>
                  ) : (
                    record.context.url
                  )}
                </dd>
                <dt>Locale</dt>
                <dd>{record.context.locale ?? '—'}</dd>
                <dt>Respondent</dt>
                <dd>{record.respondent?.externalId ?? 'Anonymous'}</dd>
                <dt>Email</dt>
                <dd>{record.respondent?.email ?? '—'}</dd>
                {Object.entries(record.respondent?.traits ?? {}).map(([key, value]) => (
                  <Fragment key={key}>
                    <dt>{key}</dt>
                    <dd>{String(value)}</dd>
                  </Fragment>
                ))}
              </dl>
            </section>
            <FollowUpPanel
              key={record.id}
              record={record}
              staff={staff}
              staffLoading={users.state === 'loading'}
              nameOf={nameOf}
            />
            <section class="card" aria-label="Notes">
              <h2>Notes</h2>
              <Loaded load={notes}>
                {(list) =>
                  list.length === 0 ? (
                    <Empty>No notes yet.</Empty>
                  ) : (
                    <ul class="notes">
                      {list.map((note) => (
                        <li key={note.id}>
                          <p class="note-body">{note.body}</p>
                          <p class="muted">
                            {note.author.name} · {formatDateTime(note.createdAt)}
                          </p>
                        </li>
                      ))}
                    </ul>
                  )
                }
              </Loaded>
              <NoteForm key={record.id} responseId={record.id} />
            </section>
            <ReplyPanel key={record.id} record={record} />
            <section class="card" aria-label="Activity">
              <h2>Activity</h2>
              <Loaded load={activity}>
                {(entries) =>
                  entries.length === 0 ? (
                    <Empty>Nothing has happened yet.</Empty>
                  ) : (
                    <ol class="timeline">
                      {entries.map((entry, index) => (
                        <li key={entry.id} data-activity={entry.type}>
                          <ActivityLine
                            entry={entry}
                            nameOf={nameOf}
                            lastOfRun={!sameRuleRun(entry, entries[index + 1])}
                          />
                          <span class="muted"> · {formatDateTime(entry.createdAt)}</span>
                        </li>
                      ))}
                    </ol>
                  )
                }
              </Loaded>
            </section>
            <section class="card" aria-label="Earlier responses">
              <h2>This respondent's other responses</h2>
              <Loaded load={history}>
                {(list) =>
                  list.length === 0 ? (
                    <Empty>None.</Empty>
                  ) : (
                    <ol class="timeline">
                      {list.map((other) => (
                        <li key={other.id}>
                          <a href={`#/responses/${other.id}`}>
                            <span class={`score small ${bandClass(other.kind, other.score)}`}>
                              {other.score}
                            </span>{' '}
                            {kindLabel(other.kind)} · {formatDateTime(other.submittedAt)}
                          </a>
                          {other.comment && <p class="note-body">{other.comment}</p>}
                        </li>
                      ))}
                    </ol>
                  )
                }
              </Loaded>
            </section>
          </div>
        )}
      </Loaded>
    </div>
  );
}

/** Whether `next` was written by the same rule run as `entry` (rules of one arrival share a time). */
function sameRuleRun(entry: Activity, next: Activity | undefined): boolean {
  return (
    !!next &&
    entry.type === 'rule_applied' &&
    next.type === 'rule_applied' &&
    next.createdAt === entry.createdAt
  );
}

const listOf = (words: string[]) => words.join(', ');

function ActivityLine({
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
      return (
        <span>
          {who} assigned it to {nameOf(d.to as string | null)}
        </span>
      );
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

const nextStatusLabels: Record<FollowUpStatus, string> = {
  none: '',
  open: 'Reopen',
  in_progress: 'Start working',
  resolved: 'Resolve',
};

function FollowUpPanel({
  record,
  staff,
  staffLoading,
  nameOf,
}: {
  record: ResponseRecord;
  staff: StaffUser[];
  staffLoading: boolean;
  nameOf: (id: string | null) => string;
}) {
  const session = useSession();
  const canWork = useCan('agent');
  const action = useAction();
  const { followUp } = record;
  const [tags, setTags] = useState(followUp.tags.join(', '));
  const [due, setDue] = useState(toLocalInput(followUp.dueAt));
  // The fields show what is stored once it changes (saved here in lower case without duplicates,
  // or changed by someone else), not what was typed.
  const storedTags = followUp.tags.join(', ');
  useEffect(() => setTags(storedTags), [storedTags]);
  useEffect(() => setDue(toLocalInput(followUp.dueAt)), [followUp.dueAt]);
  const change = async (body: object) => {
    await action.run(() => updateFollowUp(record.id, body));
  };
  const assignable = staff.filter((user) => !user.deactivatedAt && user.role !== 'viewer');
  const nextStatuses =
    followUp.status === 'none' ? (['open'] as const) : followUpTransitions[followUp.status];
  return (
    <section class="card" aria-label="Follow-up">
      <h2>Follow-up</h2>
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <span class={`status-pill status-${followUp.status}`} data-testid="status">
            {statusLabels[followUp.status]}
          </span>
        </dd>
        <dt>Owner</dt>
        <dd data-testid="assignee" aria-busy={staffLoading && followUp.assigneeId ? 'true' : undefined}>
          {nameOf(followUp.assigneeId)}
        </dd>
        <dt>Due</dt>
        <dd data-testid="due" class={isOverdue(followUp.dueAt, followUp.status) ? 'overdue' : undefined}>
          {followUp.dueAt ? `${formatDateTime(followUp.dueAt)} (${relative(followUp.dueAt)})` : '—'}
        </dd>
        <dt>Resolved</dt>
        <dd>{formatDateTime(followUp.resolvedAt)}</dd>
        <dt>Tags</dt>
        <dd>
          {followUp.tags.length
            ? followUp.tags.map((tag) => (
                <span key={tag} class="tag">
                  {tag}
                </span>
              ))
            : '—'}
        </dd>
      </dl>
      {action.error && <ErrorNote error={action.error} />}
      {canWork ? (
        <div class="actions">
          <div class="buttons">
            {followUp.assigneeId !== session.user.id && (
              <button
                type="button"
                onClick={() => change({ assigneeId: session.user.id })}
                disabled={action.busy}
              >
                Assign to me
              </button>
            )}
            {nextStatuses.map((status) => (
              <button
                type="button"
                key={status}
                class={status === 'resolved' ? 'primary' : undefined}
                onClick={() => change({ status })}
                disabled={action.busy}
              >
                {followUp.status === 'none' && status === 'open'
                  ? 'Open a follow-up'
                  : nextStatusLabels[status]}
              </button>
            ))}
          </div>
          <label>
            Owner
            <select
              aria-label="Owner"
              value={followUp.assigneeId ?? ''}
              disabled={staffLoading}
              onChange={(e) => change({ assigneeId: e.currentTarget.value || null })}
            >
              <option value="">Nobody</option>
              {followUp.assigneeId && !assignable.some((user) => user.id === followUp.assigneeId) && (
                <option value={followUp.assigneeId}>{nameOf(followUp.assigneeId)}</option>
              )}
              {assignable.map((user) => (
                <option key={user.id} value={user.id}>
                  {user.name}
                </option>
              ))}
            </select>
          </label>
          <form
            class="inline"
            onSubmit={(event) => {
              event.preventDefault();
              void change({ dueAt: due ? new Date(due).toISOString() : null });
            }}
          >
            <label>
              Due date
              <input type="datetime-local" value={due} onInput={(e) => setDue(e.currentTarget.value)} />
            </label>
            <button type="submit">Set due date</button>
          </form>
          <form
            class="inline"
            onSubmit={(event) => {
              event.preventDefault();
              void change({
                tags: tags
                  .split(',')
                  .map((tag) => tag.trim())
                  .filter(Boolean),
              });
            }}
          >
            <label>
              Tags (comma-separated)
              <input value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
            </label>
            <button type="submit">Save tags</button>
          </form>
        </div>
      ) : (
        <p class="muted">You can read this follow-up; changing it needs the agent role.</p>
      )}
    </section>
  );
}

function NoteForm({ responseId }: { responseId: string }) {
  const canWork = useCan('agent');
  const [body, setBody] = useState('');
  const action = useAction();
  if (!canWork) return null;
  return (
    <form
      class="stack"
      onSubmit={async (event) => {
        event.preventDefault();
        const note = await action.run(() => addNote(responseId, body));
        if (note) {
          setBody('');
        }
      }}
    >
      <label>
        Add an internal note
        <textarea
          name="note"
          rows={3}
          required
          value={body}
          onInput={(e) => setBody(e.currentTarget.value)}
        />
      </label>
      {action.error && <ErrorNote error={action.error} />}
      <button type="submit" disabled={action.busy}>
        Add note
      </button>
    </form>
  );
}

function ReplyPanel({ record }: { record: ResponseRecord }) {
  const canWork = useCan('agent');
  const [subject, setSubject] = useState('Re: your feedback');
  const [body, setBody] = useState('');
  const [sent, setSent] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const action = useAction();
  if (!canWork) return null;
  // The stored respondent's address, else the one claimed on this response alone.
  const email = record.respondent?.email ?? record.claimedRespondent?.email;
  // Only a verified respondent's address is known to be theirs (the API asks the same).
  const verified = Boolean(record.respondent?.email && record.respondent.verified);
  return (
    <section class="card" aria-label="Reply by email">
      <h2>Reply by email</h2>
      {!email ? (
        <p class="muted">The respondent left no email address, so there is nobody to reply to.</p>
      ) : (
        <form
          class="stack"
          onSubmit={async (event) => {
            event.preventDefault();
            setSent(false);
            const message = await action.run(() =>
              sendReply(record.id, subject, body, !verified && confirmed),
            );
            if (message) {
              setBody('');
              setSent(true);
              setConfirmed(false);
            }
          }}
        >
          <p>
            To: <strong class="break-anywhere">{email}</strong>{' '}
            <span class={verified ? 'badge verified' : 'badge unverified'}>
              {verified ? 'verified' : 'unverified'}
            </span>
          </p>
          {!verified && (
            <div class="warning" role="note">
              <p>
                Nobody has verified that this address belongs to the customer: anyone holding the site's
                public key can type any email into the widget, so this reply may reach someone else.
              </p>
              <label class="checkbox">
                <input
                  type="checkbox"
                  name="confirmUnverified"
                  checked={confirmed}
                  onChange={(e) => setConfirmed(e.currentTarget.checked)}
                />{' '}
                Send to this unverified address anyway
              </label>
            </div>
          )}
          <label>
            Subject
            <input
              name="subject"
              required
              value={subject}
              onInput={(e) => setSubject(e.currentTarget.value)}
            />
          </label>
          <label>
            Message
            <textarea
              name="reply"
              rows={5}
              required
              value={body}
              onInput={(e) => setBody(e.currentTarget.value)}
            />
          </label>
          {action.error && <ErrorNote error={action.error} />}
          {sent && (
            <p class="success" role="status">
              Sent.
            </p>
          )}
          <button type="submit" class="primary" disabled={action.busy || (!verified && !confirmed)}>
            {action.busy ? 'Sending…' : 'Send reply'}
          </button>
        </form>
      )}
    </section>
  );
}

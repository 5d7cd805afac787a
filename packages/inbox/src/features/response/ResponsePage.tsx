import type { ResponseRecord, StaffUser } from '@closeloop/shared';
import type { FollowUpStatus } from '@closeloop/shared/kinds';
import { followUpTransitions } from '@closeloop/shared/workflow';
import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../../app/routes.ts';
import { Empty, ErrorNote, Loaded, useAction } from '../../components/status.tsx';
import {
  bandClass,
  customerLabel,
  formatDateTime,
  isOverdue,
  kindLabel,
  relative,
  safeHref,
  statusLabels,
  toLocalInput,
} from '../../lib/format.ts';
import { nextAfter, queueHref } from '../../lib/nextUp.ts';
import { useStaff, useSurveys } from '../../lib/resources.ts';
import { navigate } from '../../lib/router.ts';
import { useCan, useSession } from '../../lib/session.ts';
import { showToast } from '../../lib/toast.tsx';
import { RespondentPrivacy } from '../privacy/RespondentPrivacy.tsx';
import { ActivityLine, sameRuleRun } from './activity.tsx';
import { CustomerCard } from './CustomerCard.tsx';
import { addNote, updateFollowUp, useActivity, useHistory, useNotes, useResponse } from './data.ts';
import { ReplyPanel } from './ReplyPanel.tsx';

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
          <>
            <header class="response-head">
              <span class={`score big ${bandClass(record.kind, record.score)}`}>{record.score}</span>
              <div>
                <h1 class="break-anywhere">{customerLabel(record)}</h1>
                <p class="muted" aria-busy={surveys.state === 'loading' ? 'true' : undefined}>
                  {kindLabel(record.kind)} {record.score} ·{' '}
                  <span data-testid="survey-name">{surveyName(record.surveyId)}</span> ·{' '}
                  {formatDateTime(record.submittedAt)}
                </p>
              </div>
            </header>
            <div class="detail-grid">
              <div class="detail-main">
                <section class="card response-card" aria-label="Response">
                  <h2>What they said</h2>
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
                        record.context.url || '—'
                      )}
                    </dd>
                    <dt>Locale</dt>
                    <dd>{record.context.locale ?? '—'}</dd>
                    {(record.context.browser || record.context.device) && (
                      <>
                        <dt>Browser</dt>
                        <dd>{[record.context.browser, record.context.device].filter(Boolean).join(' · ')}</dd>
                      </>
                    )}
                  </dl>
                </section>
                <ReplyPanel key={record.id} record={record} />
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
              </div>
              <aside class="detail-side" aria-label="Customer and follow-up">
                <CustomerCard record={record} />
                <RespondentPrivacy record={record} />
                <FollowUpPanel
                  key={record.id}
                  record={record}
                  staff={staff}
                  staffLoading={users.state === 'loading'}
                  nameOf={nameOf}
                />
                <section class="card" aria-label="Earlier responses">
                  <h2>Their other responses</h2>
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
                                {kindLabel(other.kind)} · {surveyName(other.surveyId)} ·{' '}
                                {formatDateTime(other.submittedAt)}
                              </a>
                              {other.comment && <p class="note-body">{other.comment}</p>}
                            </li>
                          ))}
                        </ol>
                      )
                    }
                  </Loaded>
                </section>
              </aside>
            </div>
          </>
        )}
      </Loaded>
    </div>
  );
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
  // Resolved: on to the next response of the queue (or back to it), with a way to undo.
  const resolve = async () => {
    const before = followUp.status;
    const done = await action.run(() => updateFollowUp(record.id, { status: 'resolved' }));
    if (!done) return;
    const next = nextAfter(record.id);
    showToast(next ? 'Resolved. Here is the next one.' : 'Resolved.', {
      label: 'Undo',
      run: async () => {
        await updateFollowUp(record.id, { status: 'open' });
        if (before === 'in_progress') await updateFollowUp(record.id, { status: 'in_progress' });
        navigate(`/responses/${record.id}`);
        showToast('Reopened.');
      },
    });
    if (next) navigate(`/responses/${next}`);
    else window.location.hash = queueHref();
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
                onClick={() =>
                  status === 'resolved'
                    ? resolve()
                    : // Starting work on a follow-up nobody owns takes it.
                      change(
                        status === 'in_progress' && !followUp.assigneeId
                          ? { status, assigneeId: session.user.id }
                          : { status },
                      )
                }
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

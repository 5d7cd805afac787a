import type { ResponseRecord, StaffUser } from '@closeloop/shared';
import { roleAtLeast } from '@closeloop/shared/workflow';
import { useState } from 'preact/hooks';
import { ErrorNote, useAction } from '../../components/status.tsx';
import { showToast } from '../../lib/toast.tsx';
import { bulkChange, resolveWithUndo } from './data.ts';

/** Actions on the ticked responses: assign, set status, add a tag; all of them or none change. */
export function BulkBar({
  selected,
  staff,
  myId,
  onDone,
}: {
  selected: ResponseRecord[];
  staff: StaffUser[];
  myId: string;
  onDone: () => void;
}) {
  const action = useAction();
  const [tag, setTag] = useState('');
  const ids = selected.map((response) => response.id);
  const count = selected.length;
  const done = (message: string) => {
    showToast(message);
    onDone();
  };
  const assign = (value: string) =>
    action.run(async () => {
      const assigneeId = value === 'none' ? null : value;
      await bulkChange(ids, { assigneeId });
      const name = staff.find((user) => user.id === assigneeId)?.name;
      done(
        assigneeId === null
          ? `Unassigned ${count}.`
          : `Assigned ${count} to ${assigneeId === myId ? 'you' : (name ?? 'them')}.`,
      );
    });
  const setStatus = (status: string) =>
    action.run(async () => {
      if (status === 'resolved') {
        await resolveWithUndo(selected);
        onDone();
        return;
      }
      await bulkChange(ids, { status });
      done(`${status === 'open' ? 'Reopened' : 'Started'} ${count}.`);
    });
  const addTag = (event: Event) => {
    event.preventDefault();
    const name = tag.trim();
    if (!name) return;
    void action.run(async () => {
      await bulkChange(ids, { addTags: [name] });
      setTag('');
      done(`Tagged ${count} “${name}”.`);
    });
  };
  const assignable = staff.filter((user) => !user.deactivatedAt && roleAtLeast(user.role, 'agent'));
  return (
    <section class="bulk-bar" aria-label="Bulk actions">
      <strong>{count} selected</strong>
      <select
        aria-label="Assign selected"
        value=""
        disabled={action.busy}
        onChange={(e) => e.currentTarget.value && void assign(e.currentTarget.value)}
      >
        <option value="">Assign…</option>
        <option value={myId}>Me</option>
        {assignable
          .filter((user) => user.id !== myId)
          .map((user) => (
            <option key={user.id} value={user.id}>
              {user.name}
            </option>
          ))}
        <option value="none">Nobody</option>
      </select>
      <select
        aria-label="Set status of selected"
        value=""
        disabled={action.busy}
        onChange={(e) => e.currentTarget.value && void setStatus(e.currentTarget.value)}
      >
        <option value="">Status…</option>
        <option value="open">Open</option>
        <option value="in_progress">In progress</option>
        <option value="resolved">Resolved</option>
      </select>
      <form class="bulk-tag" onSubmit={addTag}>
        <input
          aria-label="Tag to add to selected"
          placeholder="Add tag"
          maxLength={50}
          value={tag}
          onInput={(e) => setTag(e.currentTarget.value)}
        />
        <button type="submit" disabled={action.busy || !tag.trim()}>
          Add tag
        </button>
      </form>
      <button type="button" class="link" onClick={onDone}>
        Clear selection
      </button>
      {action.error && <ErrorNote error={action.error} />}
    </section>
  );
}

import { type StaffRole, staffRoles } from '@closeloop/shared/workflow';
import { useState } from 'preact/hooks';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { Field } from '../../components/Field.tsx';
import { ErrorNote, Loaded, useAction } from '../../components/status.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useStaff } from '../../lib/resources.ts';
import { useSession } from '../../lib/session.ts';
import { createUser, deactivateUser, updateUser } from './data.ts';

const roleHelp: Record<StaffRole, string> = {
  owner: 'everything',
  admin: 'surveys, keys, origins, rules, staff',
  agent: 'works responses',
  viewer: 'reads only',
};

/** Staff users: add, change role, deactivate and reactivate. */
export function UsersPage() {
  const session = useSession();
  const isOwner = session.user.role === 'owner';
  const [users, reload] = useStaff();
  const [form, setForm] = useState({ email: '', name: '', role: 'agent' as StaffRole, password: '' });
  const action = useAction();
  const grantable = staffRoles.filter((role) => isOwner || role !== 'owner');
  return (
    <div class="page">
      <h1>Staff</h1>
      {action.error && <ErrorNote error={action.error} />}
      <Loaded load={users} retry={reload}>
        {(list) => (
          <DataTable
            label="Staff"
            rows={list}
            rowKey={(user) => user.id}
            rowClass={(user) => (user.deactivatedAt ? 'revoked' : undefined)}
            columns={[
              { header: 'Name', cell: (user) => user.name },
              { header: 'Email', cell: (user) => user.email },
              {
                header: 'Role',
                cell: (user) =>
                  user.deactivatedAt || user.id === session.user.id || (user.role === 'owner' && !isOwner) ? (
                    user.role
                  ) : (
                    <select
                      aria-label={`Role of ${user.name}`}
                      value={user.role}
                      onChange={(e) => action.run(() => updateUser(user.id, { role: e.currentTarget.value }))}
                    >
                      {grantable.map((role) => (
                        <option key={role} value={role}>
                          {role}
                        </option>
                      ))}
                    </select>
                  ),
              },
              {
                header: 'Last sign-in',
                cell: (user) =>
                  user.deactivatedAt
                    ? `Deactivated ${formatDateTime(user.deactivatedAt)}`
                    : formatDateTime(user.lastLoginAt),
              },
              {
                header: 'Actions',
                hideHeader: true,
                class: 'row-actions',
                cell: (user) => (
                  <>
                    {user.deactivatedAt && (user.role !== 'owner' || isOwner) && (
                      <button
                        type="button"
                        onClick={() => action.run(() => updateUser(user.id, { active: true }))}
                        disabled={action.busy}
                      >
                        Reactivate
                      </button>
                    )}
                    {!user.deactivatedAt &&
                      user.id !== session.user.id &&
                      (user.role !== 'owner' || isOwner) && (
                        <ConfirmButton
                          question={`Deactivate ${user.name}? They are signed out at once.`}
                          onConfirm={() => action.run(() => deactivateUser(user.id))}
                        >
                          Deactivate
                        </ConfirmButton>
                      )}
                  </>
                ),
              },
            ]}
          />
        )}
      </Loaded>
      <form
        class="card stack"
        onSubmit={async (event) => {
          event.preventDefault();
          const created = await action.run(() => createUser(form));
          if (created) setForm({ email: '', name: '', role: 'agent', password: '' });
        }}
      >
        <h2>Add a staff member</h2>
        <div class="row">
          <Field label="Name" path="name" error={action.error}>
            <input
              required
              value={form.name}
              onInput={(e) => setForm({ ...form, name: e.currentTarget.value })}
            />
          </Field>
          <Field label="Email" path="email" error={action.error}>
            <input
              type="email"
              required
              value={form.email}
              onInput={(e) => setForm({ ...form, email: e.currentTarget.value })}
            />
          </Field>
          <Field label="Role" path="role" error={action.error}>
            <select
              value={form.role}
              onChange={(e) => setForm({ ...form, role: e.currentTarget.value as StaffRole })}
            >
              {grantable.map((role) => (
                <option key={role} value={role}>
                  {role} — {roleHelp[role]}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="First password (10+ characters; share it safely)"
            path="password"
            error={action.error}
          >
            <input
              type="password"
              required
              minLength={10}
              autoComplete="new-password"
              value={form.password}
              onInput={(e) => setForm({ ...form, password: e.currentTarget.value })}
            />
          </Field>
        </div>
        <button type="submit" class="primary" disabled={action.busy}>
          Add
        </button>
      </form>
    </div>
  );
}

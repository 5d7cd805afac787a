import type { StaffUser } from '@closeloop/shared';
import { type StaffRole, staffRoles } from '@closeloop/shared/workflow';
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { ErrorNote, Loaded, useAction, useLoad } from '../../components/status.tsx';
import { formatDateTime } from '../../format.ts';
import { useSession } from '../../session.ts';

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
  const [users, reload] = useLoad(() => api.get<{ data: StaffUser[] }>('/v1/users').then((b) => b.data), []);
  const [form, setForm] = useState({ email: '', name: '', role: 'agent' as StaffRole, password: '' });
  const action = useAction();
  const grantable = staffRoles.filter((role) => isOwner || role !== 'owner');
  return (
    <div class="page">
      <h1>Staff</h1>
      {action.error && <ErrorNote error={action.error} />}
      <Loaded load={users} retry={reload}>
        {(list) => (
          <table class="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Email</th>
                <th>Role</th>
                <th>Last sign-in</th>
                <th>
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((user) => (
                <tr key={user.id} class={user.deactivatedAt ? 'revoked' : undefined}>
                  <td>{user.name}</td>
                  <td>{user.email}</td>
                  <td>
                    {user.deactivatedAt ||
                    user.id === session.user.id ||
                    (user.role === 'owner' && !isOwner) ? (
                      user.role
                    ) : (
                      <select
                        aria-label={`Role of ${user.name}`}
                        value={user.role}
                        onChange={async (e) => {
                          await action.run(() =>
                            api.patch(`/v1/users/${user.id}`, { role: e.currentTarget.value }),
                          );
                          reload();
                        }}
                      >
                        {grantable.map((role) => (
                          <option key={role} value={role}>
                            {role}
                          </option>
                        ))}
                      </select>
                    )}
                  </td>
                  <td>
                    {user.deactivatedAt
                      ? `Deactivated ${formatDateTime(user.deactivatedAt)}`
                      : formatDateTime(user.lastLoginAt)}
                  </td>
                  <td>
                    {user.deactivatedAt && (user.role !== 'owner' || isOwner) && (
                      <button
                        type="button"
                        onClick={async () => {
                          await action.run(() => api.patch(`/v1/users/${user.id}`, { active: true }));
                          reload();
                        }}
                        disabled={action.busy}
                      >
                        Reactivate
                      </button>
                    )}
                    {!user.deactivatedAt &&
                      user.id !== session.user.id &&
                      (user.role !== 'owner' || isOwner) && (
                        <button
                          type="button"
                          class="danger"
                          onClick={async () => {
                            if (!window.confirm(`Deactivate ${user.name}? They are signed out at once.`))
                              return;
                            await action.run(() => api.delete(`/v1/users/${user.id}`));
                            reload();
                          }}
                        >
                          Deactivate
                        </button>
                      )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      <form
        class="card stack"
        onSubmit={async (event) => {
          event.preventDefault();
          const created = await action.run(() => api.post('/v1/users', form));
          if (created) {
            setForm({ email: '', name: '', role: 'agent', password: '' });
            reload();
          }
        }}
      >
        <h2>Add a staff member</h2>
        <div class="row">
          <label>
            Name
            <input
              required
              value={form.name}
              onInput={(e) => setForm({ ...form, name: e.currentTarget.value })}
            />
          </label>
          <label>
            Email
            <input
              type="email"
              required
              value={form.email}
              onInput={(e) => setForm({ ...form, email: e.currentTarget.value })}
            />
          </label>
          <label>
            Role
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
          </label>
          <label>
            First password (10+ characters; share it safely)
            <input
              type="password"
              required
              minLength={10}
              autoComplete="new-password"
              value={form.password}
              onInput={(e) => setForm({ ...form, password: e.currentTarget.value })}
            />
          </label>
        </div>
        <button type="submit" class="primary" disabled={action.busy}>
          Add
        </button>
      </form>
    </div>
  );
}

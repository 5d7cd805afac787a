import type { SecretKeyInfo } from '@closeloop/shared';
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { Empty, ErrorNote, Loaded, useAction, useLoad } from '../../components/status.tsx';
import { formatDateTime } from '../../format.ts';

/** Secret keys for the REST API: create (shown once) and revoke. */
export function KeysPage() {
  const [keys, reload] = useLoad(
    () => api.get<{ data: SecretKeyInfo[] }>('/v1/keys').then((b) => b.data),
    [],
  );
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const action = useAction();
  return (
    <div class="page">
      <h1>Secret keys</h1>
      <p>
        Secret keys call the management API (<code>Authorization: Bearer sk_…</code>) as an admin of this
        project. Keep them on servers only.
      </p>
      <form
        class="row"
        onSubmit={async (event) => {
          event.preventDefault();
          const key = await action.run(() => api.post<{ key: string }>('/v1/keys', { name }));
          if (key) {
            setCreated(key.key);
            setName('');
            reload();
          }
        }}
      >
        <input
          name="keyName"
          placeholder="What is it for? e.g. CRM sync"
          aria-label="Key name"
          required
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <button type="submit" class="primary" disabled={action.busy}>
          Create key
        </button>
      </form>
      {created && (
        <div class="card created-key" role="status">
          <p>Copy this key now — it is shown this once and stored only as a hash:</p>
          <pre data-testid="new-key">{created}</pre>
          <button type="button" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      {action.error && <ErrorNote error={action.error} />}
      <Loaded load={keys} retry={reload}>
        {(list) =>
          list.length === 0 ? (
            <Empty>No secret keys.</Empty>
          ) : (
            <table class="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Key</th>
                  <th>Created</th>
                  <th>Last used</th>
                  <th>
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((key) => (
                  <tr key={key.id} class={key.revokedAt ? 'revoked' : undefined}>
                    <td>{key.name}</td>
                    <td>
                      <code>{key.prefix}…</code>
                    </td>
                    <td>{formatDateTime(key.createdAt)}</td>
                    <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never'}</td>
                    <td>
                      {key.revokedAt ? (
                        `Revoked ${formatDateTime(key.revokedAt)}`
                      ) : (
                        <button
                          type="button"
                          class="danger"
                          onClick={async () => {
                            if (
                              !window.confirm(`Revoke "${key.name}"? Programs using it stop working at once.`)
                            )
                              return;
                            await action.run(() => api.delete(`/v1/keys/${key.id}`));
                            reload();
                          }}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </div>
  );
}

import { useState } from 'preact/hooks';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { Empty, ErrorNote, Loaded, useAction } from '../../components/status.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { createKey, revokeKey, useKeys } from './data.ts';

/** Secret keys for the REST API: create (shown once) and revoke. */
export function KeysPage() {
  const [keys, reload] = useKeys();
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
          const key = await action.run(() => createKey(name));
          if (key) {
            setCreated(key.key);
            setName('');
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
            <DataTable
              label="Secret keys"
              rows={list}
              rowKey={(key) => key.id}
              rowClass={(key) => (key.revokedAt ? 'revoked' : undefined)}
              columns={[
                { header: 'Name', cell: (key) => key.name },
                { header: 'Key', cell: (key) => <code>{key.prefix}…</code> },
                { header: 'Created', cell: (key) => formatDateTime(key.createdAt) },
                {
                  header: 'Last used',
                  cell: (key) => (key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never'),
                },
                {
                  header: 'Actions',
                  hideHeader: true,
                  class: 'row-actions',
                  cell: (key) =>
                    key.revokedAt ? (
                      `Revoked ${formatDateTime(key.revokedAt)}`
                    ) : (
                      <ConfirmButton
                        question={`Revoke "${key.name}"? Programs using it stop working at once.`}
                        onConfirm={() => action.run(() => revokeKey(key.id))}
                      >
                        Revoke
                      </ConfirmButton>
                    ),
                },
              ]}
            />
          )
        }
      </Loaded>
    </div>
  );
}

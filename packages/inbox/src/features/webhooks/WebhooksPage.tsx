import { useState } from 'preact/hooks';
import { DataTable } from '../../components/DataTable.tsx';
import { Empty, ErrorNote, Loaded, useAction } from '../../components/status.tsx';
import { createWebhook, useWebhooks } from './data.ts';
import { emptyWebhook, NewSecret, WebhookForm } from './WebhookForm.tsx';

/** Webhook endpoints: the list, and adding one (its signing secret is shown once). */
export function WebhooksPage() {
  const [webhooks, reload] = useWebhooks();
  const [secret, setSecret] = useState<string | null>(null);
  const action = useAction();
  return (
    <div class="page">
      <h1>Webhooks</h1>
      <p>
        Closeloop posts each event to your endpoints as it happens, signed per the Standard Webhooks spec, and
        retries for about a day when an endpoint fails. An endpoint failing everything for 5 days is disabled
        and the project's owners are told by email.
      </p>
      <Loaded load={webhooks} retry={reload}>
        {(list) =>
          list.length === 0 ? (
            <Empty>No webhooks yet.</Empty>
          ) : (
            <DataTable
              label="Webhooks"
              rows={list}
              rowKey={(webhook) => webhook.id}
              columns={[
                {
                  header: 'Endpoint',
                  cell: (webhook) => (
                    <>
                      <a class="break-anywhere" href={`#/webhooks/${webhook.id}`}>
                        {webhook.url}
                      </a>
                      {webhook.description && <div class="muted">{webhook.description}</div>}
                    </>
                  ),
                },
                { header: 'Events', cell: (webhook) => webhook.events.join(', ') },
                { header: 'Format', cell: (webhook) => (webhook.format === 'slack' ? 'Slack' : 'Standard') },
                {
                  header: 'State',
                  cell: (webhook) =>
                    webhook.enabled
                      ? 'Enabled'
                      : webhook.disabledReason
                        ? `Disabled: ${webhook.disabledReason}`
                        : 'Disabled',
                },
              ]}
            />
          )
        }
      </Loaded>
      {secret && <NewSecret secret={secret} onDone={() => setSecret(null)} />}
      <section class="card stack" aria-labelledby="add-webhook">
        <h2 id="add-webhook">Add a webhook</h2>
        {action.error && <ErrorNote error={action.error} />}
        <WebhookForm
          initial={emptyWebhook}
          submitLabel="Add webhook"
          resetAfter
          busy={action.busy}
          error={action.error}
          onSubmit={async (values) => {
            const created = await action.run(() =>
              createWebhook({ ...values, description: values.description.trim() || undefined }),
            );
            if (created) setSecret(created.secret);
            return Boolean(created);
          }}
        />
      </section>
    </div>
  );
}

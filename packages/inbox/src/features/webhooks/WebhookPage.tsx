import type { Delivery } from '@closeloop/shared';
import { useState } from 'preact/hooks';
import type { PageProps } from '../../app/routes.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { Empty, ErrorNote, Loaded, useAction } from '../../components/status.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { navigate } from '../../lib/router.ts';
import { showToast } from '../../lib/toast.tsx';
import {
  deleteWebhook,
  retryDelivery,
  rotateSecret,
  sendTest,
  updateWebhook,
  useDeliveries,
  useWebhook,
} from './data.ts';
import { NewSecret, valuesOf, WebhookForm } from './WebhookForm.tsx';

const statusText = { pending: 'Pending', succeeded: 'Delivered', failed: 'Failed' } as const;

/** One endpoint: edit it, rotate its secret, send a test, and its delivery log with retry. */
export function WebhookPage({ path }: PageProps) {
  const id = path.id!;
  const [webhook, reload] = useWebhook(id);
  const [secret, setSecret] = useState<string | null>(null);
  const action = useAction();
  return (
    <div class="page">
      <p>
        <a href="#/webhooks">← Webhooks</a>
      </p>
      <Loaded load={webhook} retry={reload}>
        {(endpoint) => (
          <>
            <h1 class="break-anywhere">{endpoint.description || endpoint.url}</h1>
            {!endpoint.enabled && endpoint.disabledReason && (
              <p class="warning" role="status">
                Disabled: {endpoint.disabledReason}. Fix the receiver, then enable it again and retry the
                failed deliveries.
              </p>
            )}
            {action.error && <ErrorNote error={action.error} />}
            {secret && <NewSecret secret={secret} onDone={() => setSecret(null)} />}
            <section class="card stack" aria-labelledby="edit-webhook">
              <h2 id="edit-webhook">Settings</h2>
              <WebhookForm
                key={endpoint.updatedAt}
                initial={valuesOf(endpoint)}
                submitLabel="Save"
                busy={action.busy}
                error={action.error}
                onSubmit={async (values) => {
                  const saved = await action.run(() =>
                    updateWebhook(id, { ...values, description: values.description.trim() || null }),
                  );
                  if (saved) showToast('Webhook saved');
                  return Boolean(saved);
                }}
              />
              <div class="row">
                <button
                  type="button"
                  disabled={action.busy || !endpoint.enabled}
                  onClick={async () => {
                    if (await action.run(() => sendTest(id))) showToast('Test message queued');
                  }}
                >
                  Send a test
                </button>
                <ConfirmButton
                  danger={false}
                  question="Make a new signing secret? The old one keeps signing alongside it for 24 hours."
                  onConfirm={async () => {
                    const rotated = await action.run(() => rotateSecret(id));
                    if (rotated) setSecret(rotated.secret);
                  }}
                >
                  Rotate secret
                </ConfirmButton>
                <ConfirmButton
                  question="Delete this webhook? Nothing more is sent to it and its delivery log goes too."
                  onConfirm={() =>
                    action.run(async () => {
                      await deleteWebhook(id);
                      navigate('/webhooks');
                    })
                  }
                >
                  Delete
                </ConfirmButton>
              </div>
            </section>
            <DeliveryLog webhookId={id} />
          </>
        )}
      </Loaded>
    </div>
  );
}

/** The messages sent to an endpoint, newest first, each with its attempts; failed ones can be retried. */
function DeliveryLog({ webhookId }: { webhookId: string }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <section class="stack" aria-labelledby="deliveries">
      <h2 id="deliveries">Deliveries</h2>
      {cursors.map((cursor, index) => (
        <DeliveryPage
          key={cursor ?? 'first'}
          webhookId={webhookId}
          cursor={cursor}
          last={index === cursors.length - 1}
          onMore={(next) => setCursors([...cursors, next])}
        />
      ))}
    </section>
  );
}

function DeliveryPage({
  webhookId,
  cursor,
  last,
  onMore,
}: {
  webhookId: string;
  cursor: string | null;
  last: boolean;
  onMore: (next: string) => void;
}) {
  const [page, reload] = useDeliveries(webhookId, cursor);
  return (
    <Loaded load={page} retry={reload}>
      {(list) => (
        <>
          {list.data.length === 0 && cursor === null && <Empty>Nothing sent yet.</Empty>}
          <ul class="deliveries stack">
            {list.data.map((delivery) => (
              <DeliveryItem key={delivery.id} webhookId={webhookId} delivery={delivery} />
            ))}
          </ul>
          {last && list.nextCursor && (
            <button type="button" onClick={() => onMore(list.nextCursor!)}>
              Show older deliveries
            </button>
          )}
        </>
      )}
    </Loaded>
  );
}

function DeliveryItem({ webhookId, delivery }: { webhookId: string; delivery: Delivery }) {
  const action = useAction();
  return (
    <li class="card delivery" data-status={delivery.status}>
      <div class="row">
        <strong>{delivery.type}</strong>
        <span class={`status-pill delivery-${delivery.status}`}>{statusText[delivery.status]}</span>
        <span class="muted">{formatDateTime(delivery.createdAt)}</span>
        {delivery.status === 'pending' && delivery.nextAttemptAt && (
          <span class="muted">next try {formatDateTime(delivery.nextAttemptAt)}</span>
        )}
        {delivery.status !== 'succeeded' && (
          <button
            type="button"
            disabled={action.busy}
            aria-label={`Retry now: ${delivery.type} of ${formatDateTime(delivery.createdAt)}`}
            onClick={() => action.run(() => retryDelivery(webhookId, delivery.id))}
          >
            Retry now
          </button>
        )}
      </div>
      <code class="muted break-anywhere">webhook-id {delivery.id}</code>
      {action.error && <ErrorNote error={action.error} />}
      {delivery.attempts.length > 0 && (
        <details>
          <summary>
            {delivery.attempts.length === 1 ? '1 attempt' : `${delivery.attempts.length} attempts`}
          </summary>
          <ol class="attempts">
            {delivery.attempts.map((attempt) => (
              <li key={attempt.at}>
                {formatDateTime(attempt.at)} —{' '}
                {attempt.statusCode === null ? 'no answer' : `HTTP ${attempt.statusCode}`} in{' '}
                {attempt.durationMs} ms
                {attempt.error && <div class="break-anywhere">{attempt.error}</div>}
                {attempt.response && <pre class="break-anywhere">{attempt.response}</pre>}
              </li>
            ))}
          </ol>
        </details>
      )}
    </li>
  );
}

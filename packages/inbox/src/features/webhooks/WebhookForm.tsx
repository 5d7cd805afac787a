import type { Webhook, WebhookEventType, WebhookFormat } from '@closeloop/shared';
import { useState } from 'preact/hooks';
import { Field } from '../../components/Field.tsx';
import { webhookEvents } from './data.ts';

export interface WebhookFormValues {
  url: string;
  description: string;
  format: WebhookFormat;
  events: WebhookEventType[];
  enabled: boolean;
}

export const emptyWebhook: WebhookFormValues = {
  url: '',
  description: '',
  format: 'standard',
  events: ['response.created'],
  enabled: true,
};

export const valuesOf = (webhook: Webhook): WebhookFormValues => ({
  url: webhook.url,
  description: webhook.description ?? '',
  format: webhook.format,
  events: webhook.events,
  enabled: webhook.enabled,
});

/** The fields of an endpoint (URL, what it is for, format, events, enabled), for adding and editing. */
export function WebhookForm({
  initial,
  submitLabel,
  busy,
  error,
  onSubmit,
  resetAfter = false,
}: {
  initial: WebhookFormValues;
  submitLabel: string;
  /** Empties the form after a successful submit (adding), instead of keeping the values (editing). */
  resetAfter?: boolean;
  busy: boolean;
  error: Error | null;
  onSubmit: (values: WebhookFormValues) => Promise<boolean>;
}) {
  const [form, setForm] = useState(initial);
  const set = (patch: Partial<WebhookFormValues>) => setForm({ ...form, ...patch });
  return (
    <form
      class="stack"
      onSubmit={async (event) => {
        event.preventDefault();
        if ((await onSubmit(form)) && resetAfter) setForm(initial);
      }}
    >
      <Field
        label="URL"
        path="url"
        error={error}
        hint="https:// only; a Slack incoming-webhook URL for the Slack format"
      >
        <input
          type="url"
          required
          placeholder="https://example.com/closeloop-webhook"
          value={form.url}
          onInput={(e) => set({ url: e.currentTarget.value })}
        />
      </Field>
      <Field label="Description (optional)" path="description" error={error}>
        <input
          maxLength={500}
          placeholder="What it is for, e.g. CRM sync"
          value={form.description}
          onInput={(e) => set({ description: e.currentTarget.value })}
        />
      </Field>
      <Field label="Format" path="format" error={error}>
        <select value={form.format} onChange={(e) => set({ format: e.currentTarget.value as WebhookFormat })}>
          <option value="standard">Standard Webhooks (signed JSON)</option>
          <option value="slack">Slack message (incoming webhook)</option>
        </select>
      </Field>
      <fieldset>
        <legend>Events</legend>
        {webhookEvents.map((event) => (
          <label class="check" key={event.type}>
            <input
              type="checkbox"
              name="events"
              value={event.type}
              checked={form.events.includes(event.type)}
              onChange={(e) =>
                set({
                  events: e.currentTarget.checked
                    ? webhookEvents
                        .map((item) => item.type)
                        .filter((type) => type === event.type || form.events.includes(type))
                    : form.events.filter((type) => type !== event.type),
                })
              }
            />
            <span>
              <code>{event.type}</code> — {event.help}
            </span>
          </label>
        ))}
      </fieldset>
      <label class="check">
        <input
          type="checkbox"
          checked={form.enabled}
          onChange={(e) => set({ enabled: e.currentTarget.checked })}
        />
        Enabled
      </label>
      <div class="row">
        <button type="submit" class="primary" disabled={busy || form.events.length === 0}>
          {submitLabel}
        </button>
        {form.events.length === 0 && <span class="hint">Choose at least one event.</span>}
      </div>
    </form>
  );
}

/** The signing secret, right after creation or rotation: shown this once. */
export function NewSecret({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <div class="card created-key" role="status">
      <p>
        Copy the signing secret now — it is shown this once. Verify each request's{' '}
        <code>webhook-signature</code> with it (any Standard Webhooks library does):
      </p>
      <pre data-testid="new-secret">{secret}</pre>
      <button type="button" onClick={onDone}>
        Done
      </button>
    </div>
  );
}

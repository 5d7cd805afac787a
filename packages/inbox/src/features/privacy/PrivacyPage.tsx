import type { ProjectSettings } from '@closeloop/shared';
import { useState } from 'preact/hooks';
import { Field } from '../../components/Field.tsx';
import { ErrorNote, Loaded, useAction } from '../../components/status.tsx';
import { updateProject, useProject } from '../admin/data.ts';
import { auditChanged } from './data.ts';

const dayMs = 24 * 60 * 60 * 1000;

/** Project privacy settings: how long responses keep who gave them (retention). */
export function PrivacyPage() {
  const [project, reload] = useProject();
  return (
    <div class="page">
      <h1>Privacy</h1>
      <p>
        <a href="#/admin/audit">Audit log</a>: every change made by staff and secret keys, sign-ins, exports
        and erasures. A customer's data is downloaded or erased from any of their responses (Customer data).
      </p>
      <Loaded load={project} retry={reload}>
        {(settings) => <RetentionForm settings={settings} />}
      </Loaded>
    </div>
  );
}

function RetentionForm({ settings }: { settings: ProjectSettings }) {
  const stored = settings.retentionDays === null ? '' : String(settings.retentionDays);
  const [days, setDays] = useState(stored);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const period = days.trim() === '' ? null : Number(days);
  const cutoff = period && Number.isFinite(period) ? new Date(Date.now() - period * dayMs) : null;
  return (
    <form
      class="card retention"
      aria-labelledby="retention-heading"
      onSubmit={async (event) => {
        event.preventDefault();
        setSaved(false);
        const done = await action.run(async () => {
          await updateProject({ retentionDays: period });
          return true;
        });
        if (done) {
          setSaved(true);
          auditChanged();
        }
      }}
    >
      <h2 id="retention-heading">Retention</h2>
      <Field
        label="Remove who answered after (days)"
        hint="7 to 3650 days; empty keeps everything. Checked at start and every hour."
        path="retentionDays"
        error={action.error}
      >
        <input
          name="retentionDays"
          type="number"
          inputMode="numeric"
          min={7}
          max={3650}
          placeholder="Keep everything"
          value={days}
          onInput={(event) => {
            setDays(event.currentTarget.value);
            setSaved(false);
          }}
        />
      </Field>
      <div class="retention-effect" aria-live="polite">
        {cutoff ? (
          <>
            <p>
              Responses submitted before <strong>{cutoff.toLocaleDateString()}</strong>, and each one as it
              turns {period} days old:
            </p>
            <ul>
              <li>
                <strong>lose</strong> their comment, who gave them (the customer is deleted with their email,
                id and traits once they have no other response), the identity they claimed, page address and
                referrer;
              </li>
              <li>
                <strong>lose</strong> their notes, email replies, webhook messages and staff emails, and the
                text of notes and replies in their history;
              </li>
              <li>
                <strong>keep</strong> the score, survey, time, locale, browser and device, follow-up status,
                assignee and tags — scores and trends stay whole.
              </li>
            </ul>
          </>
        ) : (
          <p>Responses are kept with everything about them until a customer is erased.</p>
        )}
      </div>
      <div class="buttons">
        <button type="submit" class="primary" disabled={action.busy || days === stored}>
          Save retention
        </button>
        {saved && <span role="status">Saved.</span>}
      </div>
      {action.error && !(action.error as { errors?: unknown[] }).errors?.length && (
        <ErrorNote error={action.error} />
      )}
    </form>
  );
}

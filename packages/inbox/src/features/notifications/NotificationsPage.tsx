import type { NotificationSettings } from '@closeloop/shared';
import { useState } from 'preact/hooks';
import { Field } from '../../components/Field.tsx';
import { ErrorNote, Loaded, useAction } from '../../components/status.tsx';
import { showToast } from '../../lib/toast.tsx';
import { saveNotificationSettings, useNotificationSettings } from './data.ts';

/** The time zones this browser knows, for the picker (a few common ones if it cannot list them). */
function timeZones(current: string): string[] {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  const zones = supported
    ? supported('timeZone')
    : ['UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York'];
  return [...new Set(['UTC', current, ...zones])];
}

/** My email notifications: what I am told by email, and the time zone of the daily and weekly ones. */
export function NotificationsPage() {
  const [settings, reload] = useNotificationSettings();
  return (
    <div class="page">
      <h1>Notifications</h1>
      <p>What Closeloop emails you about. Every email also has a link to unsubscribe from its kind.</p>
      <Loaded load={settings} retry={reload}>
        {(current) => <NotificationsForm key={JSON.stringify(current)} current={current} />}
      </Loaded>
    </div>
  );
}

function NotificationsForm({ current }: { current: NotificationSettings }) {
  const [form, setForm] = useState(current);
  const action = useAction();
  const set = (patch: Partial<NotificationSettings>) => setForm({ ...form, ...patch });
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <form
      class="card stack"
      onSubmit={async (event) => {
        event.preventDefault();
        if (await action.run(() => saveNotificationSettings(form))) showToast('Notification settings saved');
      }}
    >
      <label class="check">
        <input
          type="checkbox"
          checked={form.assigned}
          onChange={(e) => set({ assigned: e.currentTarget.checked })}
        />
        A follow-up is assigned to me (at once)
      </label>
      <fieldset>
        <legend>New open follow-ups in this project</legend>
        {(
          [
            ['off', 'No email'],
            ['immediately', 'One email each, at once'],
            ['daily', 'A daily summary (8:00)'],
          ] as const
        ).map(([value, label]) => (
          <label class="check" key={value}>
            <input
              type="radio"
              name="newFollowUps"
              value={value}
              checked={form.newFollowUps === value}
              onChange={() => set({ newFollowUps: value })}
            />
            {label}
          </label>
        ))}
      </fieldset>
      <label class="check">
        <input
          type="checkbox"
          checked={form.overdue}
          onChange={(e) => set({ overdue: e.currentTarget.checked })}
        />
        My overdue follow-ups (daily, 8:00)
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={form.weeklyDigest}
          onChange={(e) => set({ weeklyDigest: e.currentTarget.checked })}
        />
        Weekly digest (Mondays, 8:00): scores with intervals and change, counts, detractor comments,
        follow-ups
      </label>
      <Field
        label="Time zone"
        path="timeZone"
        error={action.error}
        hint="The daily and weekly emails come at 8:00 in this time zone."
      >
        <select value={form.timeZone} onChange={(e) => set({ timeZone: e.currentTarget.value })}>
          {timeZones(form.timeZone).map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
      </Field>
      {browserZone && browserZone !== form.timeZone && (
        <p>
          <button type="button" onClick={() => set({ timeZone: browserZone })}>
            Use this device's time zone ({browserZone})
          </button>
        </p>
      )}
      {action.error && <ErrorNote error={action.error} />}
      <div class="row">
        <button type="submit" class="primary" disabled={action.busy}>
          Save
        </button>
      </div>
    </form>
  );
}

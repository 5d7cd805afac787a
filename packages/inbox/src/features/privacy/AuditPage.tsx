import type { AuditEntry } from '@closeloop/shared';
import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../../app/routes.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { Field } from '../../components/Field.tsx';
import { Empty, ErrorNote, Loading } from '../../components/status.tsx';
import { endOfDay, formatDateTime, startOfDay } from '../../lib/format.ts';
import { navigate } from '../../lib/router.ts';
import { type AuditFilters, fetchAuditPage } from './data.ts';

/** Kinds of action to filter by: an action or a prefix ending in a dot. */
const actionChoices: [string, string][] = [
  ['', 'All actions'],
  ['auth.', 'Sign-ins'],
  ['user.', 'Staff and roles'],
  ['key.', 'Secret keys'],
  ['survey.', 'Surveys'],
  ['follow-up-rule.', 'Follow-up rules'],
  ['project.', 'Project settings'],
  ['webhook.', 'Webhooks'],
  ['responses.exported', 'Response exports'],
  ['respondent.', 'Customer exports and erasures'],
  ['quarantine.', 'Quarantine decisions'],
  ['retention.', 'Retention runs'],
];

const actorChoices: [string, string][] = [
  ['', 'Anyone'],
  ['user', 'Staff'],
  ['secret_key', 'Secret keys'],
  ['system', 'Closeloop (scheduled)'],
];

/** The project's audit log (owners and admins): newest first, filtered, older entries on demand. */
export function AuditPage({ params }: PageProps) {
  const chosen = {
    action: params.get('action') ?? '',
    actor: params.get('actor') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
  const filters: AuditFilters = {
    action: chosen.action || undefined,
    actorKind: chosen.actor || undefined,
    from: chosen.from ? startOfDay(chosen.from) : undefined,
    to: chosen.to ? endOfDay(chosen.to) : undefined,
  };
  const filterKey = JSON.stringify(filters);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async (after: string | null, replace: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const page = await fetchAuditPage(filters, after);
      setEntries((shown) => (replace || !shown ? page.data : [...shown, ...page.data]));
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    setEntries(null);
    void load(null, true);
  }, [filterKey]);

  const change = (name: keyof typeof chosen, value: string) =>
    navigate('/admin/audit', { ...chosen, [name]: value || undefined });

  return (
    <div class="page">
      <h1>Audit log</h1>
      <p class="muted">
        What staff and secret keys did in this project, and what Closeloop did on its own (retention). Entries
        are never changed or removed, and hold no customer data.
      </p>
      <div class="row audit-filters">
        <Field label="Action">
          <select
            name="action"
            value={chosen.action}
            onChange={(e) => change('action', e.currentTarget.value)}
          >
            {actionChoices.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="By">
          <select name="actor" value={chosen.actor} onChange={(e) => change('actor', e.currentTarget.value)}>
            {actorChoices.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="From">
          <input
            type="date"
            name="from"
            value={chosen.from}
            onChange={(e) => change('from', e.currentTarget.value)}
          />
        </Field>
        <Field label="To">
          <input
            type="date"
            name="to"
            value={chosen.to}
            onChange={(e) => change('to', e.currentTarget.value)}
          />
        </Field>
      </div>
      {entries === null && !error && <Loading />}
      {entries !== null &&
        (entries.length === 0 ? (
          <Empty>No entries match.</Empty>
        ) : (
          <DataTable
            label="Audit log"
            rows={entries}
            rowKey={(entry) => entry.id}
            columns={[
              { header: 'When', cell: (entry) => formatDateTime(entry.at) },
              {
                header: 'Who',
                cell: (entry) => <span class="break-anywhere">{entry.actor.name}</span>,
              },
              { header: 'Action', cell: (entry) => <code>{entry.action}</code> },
              {
                header: 'Target',
                cell: (entry) =>
                  entry.target ? (
                    <span class="break-anywhere">
                      {entry.target.type}
                      {entry.target.id && <code> {entry.target.id.slice(0, 8)}</code>}
                    </span>
                  ) : (
                    '—'
                  ),
              },
              { header: 'Details', cell: (entry) => <Details detail={entry.detail} /> },
            ]}
          />
        ))}
      {error && <ErrorNote error={error} retry={() => void load(entries ? cursor : null, !entries)} />}
      {cursor && entries && (
        <button type="button" disabled={busy} onClick={() => void load(cursor, false)}>
          {busy ? 'Loading…' : 'Older entries'}
        </button>
      )}
    </div>
  );
}

/** An entry's detail as short `name: value` lines (ids, counts and field names only). */
function Details({ detail }: { detail: Record<string, unknown> }) {
  const lines = Object.entries(detail).filter(([name]) => name !== 'requestId');
  if (lines.length === 0) return <span class="muted">—</span>;
  return (
    <span class="audit-detail break-anywhere">
      {lines
        .map(
          ([name, value]) => `${name}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
        )
        .join('; ')}
    </span>
  );
}

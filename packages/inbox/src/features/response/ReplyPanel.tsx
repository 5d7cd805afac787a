import type { ResponseRecord } from '@closeloop/shared';
import { useState } from 'preact/hooks';
import { ErrorNote, useAction } from '../../components/status.tsx';
import { customerName } from '../../lib/format.ts';
import { useCan, useSession } from '../../lib/session.ts';
import { sendReply } from './data.ts';
import { fillTemplate, useReplyTemplates } from './templates.ts';

/**
 * Emailing the respondent. Without mail set up on the server the form is shown disabled with what
 * to do, before anyone types a reply that cannot be sent. Templates fill in the customer's name.
 */
export function ReplyPanel({ record }: { record: ResponseRecord }) {
  const session = useSession();
  const canWork = useCan('agent');
  const [subject, setSubject] = useState('Re: your feedback');
  const [body, setBody] = useState('');
  const [sent, setSent] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const [templateName, setTemplateName] = useState('');
  const [naming, setNaming] = useState(false);
  const templates = useReplyTemplates(session.project.id);
  const action = useAction();
  if (!canWork) return null;
  // The stored respondent's address, else the one claimed on this response alone.
  const email = record.respondent?.email ?? record.claimedRespondent?.email;
  // Only a verified respondent's address is known to be theirs (the API asks the same).
  const verified = Boolean(record.respondent?.email && record.respondent.verified);
  const mailReady = session.features.email;
  const name = customerName(record);
  return (
    <section class="card" aria-label="Reply by email">
      <h2>Reply by email</h2>
      {!email ? (
        <p class="muted">The respondent left no email address, so there is nobody to reply to.</p>
      ) : (
        <form
          class="stack"
          onSubmit={async (event) => {
            event.preventDefault();
            setSent(false);
            const message = await action.run(() =>
              sendReply(record.id, subject, body, !verified && confirmed),
            );
            if (message) {
              setBody('');
              setSent(true);
              setConfirmed(false);
            }
          }}
        >
          {!mailReady && (
            <p class="warning" data-testid="mail-not-set-up">
              Email replies are not set up on this server. An admin sets <code>SMTP_URL</code> (and{' '}
              <code>MAIL_FROM</code>) and restarts Closeloop; until then, reply from your own mail program.
            </p>
          )}
          <fieldset class="plain" disabled={!mailReady}>
            <p>
              To: <strong class="break-anywhere">{email}</strong>{' '}
              <span class={verified ? 'badge verified' : 'badge unverified'}>
                {verified ? 'verified' : 'unverified'}
              </span>
            </p>
            {!verified && mailReady && (
              <div class="warning" role="note">
                <p>
                  Nobody has verified that this address belongs to the customer: anyone holding the site's
                  public key can type any email into the widget, so this reply may reach someone else.
                </p>
                <label class="checkbox">
                  <input
                    type="checkbox"
                    name="confirmUnverified"
                    checked={confirmed}
                    onChange={(e) => setConfirmed(e.currentTarget.checked)}
                  />{' '}
                  Send to this unverified address anyway
                </label>
              </div>
            )}
            <div class="template-row">
              <select
                aria-label="Insert a template"
                value=""
                onChange={(e) => {
                  const chosen = templates.templates.find((t) => t.name === e.currentTarget.value);
                  if (chosen) setBody(fillTemplate(chosen.body, name));
                }}
              >
                <option value="">Insert a template…</option>
                {templates.templates.map((template) => (
                  <option key={template.name} value={template.name}>
                    {template.name}
                  </option>
                ))}
              </select>
              {naming ? (
                <>
                  <input
                    aria-label="Template name"
                    placeholder="Template name"
                    maxLength={60}
                    value={templateName}
                    onInput={(e) => setTemplateName(e.currentTarget.value)}
                  />
                  <button
                    type="button"
                    disabled={!templateName.trim() || !body.trim()}
                    onClick={() => {
                      // Saved with {name} where this customer's first name was, so it fits the next one.
                      const first = name?.split(/\s+/)[0];
                      const text = first ? body.replaceAll(first, '{name}') : body;
                      templates.save({ name: templateName.trim(), body: text });
                      setNaming(false);
                      setTemplateName('');
                    }}
                  >
                    Save template
                  </button>
                  <button type="button" class="link" onClick={() => setNaming(false)}>
                    Cancel
                  </button>
                </>
              ) : (
                <button type="button" class="link" disabled={!body.trim()} onClick={() => setNaming(true)}>
                  Save as template
                </button>
              )}
            </div>
            <label>
              Subject
              <input
                name="subject"
                required
                value={subject}
                onInput={(e) => setSubject(e.currentTarget.value)}
              />
            </label>
            <label>
              Message
              <textarea
                name="reply"
                rows={6}
                required
                value={body}
                onInput={(e) => setBody(e.currentTarget.value)}
              />
            </label>
            {action.error && <ErrorNote error={action.error} />}
            {sent && (
              <p class="success" role="status">
                Sent.
              </p>
            )}
            <button
              type="submit"
              class="primary"
              disabled={!mailReady || action.busy || (!verified && !confirmed)}
            >
              {action.busy ? 'Sending…' : 'Send reply'}
            </button>
          </fieldset>
        </form>
      )}
    </section>
  );
}

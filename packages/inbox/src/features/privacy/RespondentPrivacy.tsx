import type { ResponseRecord } from '@closeloop/shared';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorNote, useAction } from '../../components/status.tsx';
import { navigate } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { downloadRespondent, eraseRespondent, respondentPath } from './data.ts';

/**
 * Privacy requests about the person a response is from (owners and admins): download everything
 * stored about them as JSON, or erase it. Shown only when the response names someone.
 */
export function RespondentPrivacy({ record }: { record: ResponseRecord }) {
  const allowed = useCan('admin');
  const action = useAction();
  const path = respondentPath(record);
  if (!allowed || !path) return null;
  const who = record.respondent ?? record.claimedRespondent;
  const name = who?.email ?? who?.externalId ?? 'this customer';
  const fileName = `respondent-${(who?.externalId ?? who?.email ?? 'data').replace(/[^\w.@-]+/g, '_')}.json`;
  return (
    <section class="card respondent-privacy" aria-label="Customer data">
      <h2>Customer data</h2>
      <p class="muted">
        For a privacy request from <span class="break-anywhere">{name}</span>: everything stored about them,
        or erase it.
      </p>
      <div class="buttons">
        <button
          type="button"
          disabled={action.busy}
          onClick={() => action.run(() => downloadRespondent(path, fileName))}
        >
          Download data
        </button>
        <ConfirmButton
          disabled={action.busy}
          question={`Erase ${name}? This permanently removes the customer and every response they gave (this one too), with their notes, email messages, activity, webhook messages and staff emails about them. Scores no longer count them. The audit log keeps only that an erasure happened. This cannot be undone.`}
          onConfirm={async () => {
            const erased = await action.run(async () => {
              await eraseRespondent(path);
              return true;
            });
            if (erased) navigate('/inbox', { erased: '1' });
          }}
        >
          Erase respondent
        </ConfirmButton>
      </div>
      {action.error && <ErrorNote error={action.error} />}
    </section>
  );
}

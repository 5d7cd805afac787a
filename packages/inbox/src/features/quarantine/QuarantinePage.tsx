import type { ResponseRecord } from '@closeloop/shared';
import { useState } from 'preact/hooks';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { IdentityBadge } from '../../components/IdentityBadge.tsx';
import { Empty, ErrorNote, Loaded, useAction } from '../../components/status.tsx';
import { bandClass, customerLabel, formatDateTime, kindLabel } from '../../lib/format.ts';
import { useSurveyName } from '../../lib/resources.ts';
import { acceptQuarantined, rejectQuarantined, useQuarantined } from './data.ts';

const plural = (count: number) => (count === 1 ? '1 response' : `${count} responses`);

/**
 * The Quarantine queue: responses over the counted budget (too many from one address, or from one
 * verified respondent), kept out of metrics until someone decides. Accept makes them count;
 * reject deletes them. Both ask first.
 */
export function QuarantinePage() {
  const [load, reload] = useQuarantined();
  const surveyName = useSurveyName();
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);

  const decide = async (decision: 'accept' | 'reject', ids: string[]) => {
    setDone(null);
    const result = await action.run<unknown>(() =>
      decision === 'accept' ? acceptQuarantined(ids) : rejectQuarantined(ids),
    );
    if (result) setDone(`${plural(ids.length)} ${decision === 'accept' ? 'accepted' : 'rejected'}.`);
  };

  return (
    <div class="page quarantine">
      <h1>Quarantine</h1>
      <p>
        Responses over the budget (too many from one address within an hour, or more than one a day from a
        verified customer) are kept here, out of scores and follow-up rules. Accept the genuine ones so they
        count; reject ballot stuffing, which deletes it.
      </p>
      {done && (
        <p role="status" class="done">
          {done}
        </p>
      )}
      {action.error && <ErrorNote error={action.error} />}
      <Loaded load={load} retry={reload}>
        {({ data }) =>
          data.length === 0 ? (
            <Empty>Nothing in quarantine.</Empty>
          ) : (
            <>
              <div class="row quarantine-all">
                <span>{plural(data.length)} waiting</span>
                <ConfirmButton
                  danger={false}
                  disabled={action.busy}
                  question={`Accept all ${plural(data.length)}? They count for scores from now on.`}
                  onConfirm={() =>
                    decide(
                      'accept',
                      data.map((response) => response.id),
                    )
                  }
                >
                  Accept all
                </ConfirmButton>
                <ConfirmButton
                  disabled={action.busy}
                  question={`Reject all ${plural(data.length)}? They are deleted for good.`}
                  onConfirm={() =>
                    decide(
                      'reject',
                      data.map((response) => response.id),
                    )
                  }
                >
                  Reject all
                </ConfirmButton>
              </div>
              <DataTable<ResponseRecord>
                label="Quarantined responses"
                rows={data}
                rowKey={(response) => response.id}
                columns={[
                  {
                    header: 'Score',
                    cell: (response) => (
                      <span
                        class={`score small ${bandClass(response.kind, response.score)}`}
                        title={`${kindLabel(response.kind)} ${response.score}`}
                      >
                        {response.score}
                      </span>
                    ),
                  },
                  {
                    header: 'Customer',
                    cell: (response) => (
                      <span class="wrap-anywhere">
                        {customerLabel(response)} <IdentityBadge identity={response.identity} />
                      </span>
                    ),
                  },
                  {
                    header: 'Answer',
                    cell: (response) => (
                      <a class="wrap-anywhere" href={`#/responses/${response.id}`}>
                        {surveyName(response.surveyId)}: {response.comment ?? 'No comment'}
                      </a>
                    ),
                  },
                  { header: 'Received', cell: (response) => formatDateTime(response.receivedAt) },
                  {
                    header: 'Actions',
                    hideHeader: true,
                    class: 'row-actions',
                    cell: (response) => (
                      <>
                        <ConfirmButton
                          danger={false}
                          disabled={action.busy}
                          label={`Accept the response from ${customerLabel(response)}`}
                          question="Accept this response? It counts for scores from now on."
                          onConfirm={() => decide('accept', [response.id])}
                        >
                          Accept
                        </ConfirmButton>
                        <ConfirmButton
                          disabled={action.busy}
                          label={`Reject the response from ${customerLabel(response)}`}
                          question="Reject this response? It is deleted for good."
                          onConfirm={() => decide('reject', [response.id])}
                        >
                          Reject
                        </ConfirmButton>
                      </>
                    ),
                  },
                ]}
              />
            </>
          )
        }
      </Loaded>
    </div>
  );
}

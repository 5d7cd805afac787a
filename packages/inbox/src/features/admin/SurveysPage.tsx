import type { Survey } from '@closeloop/shared';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { Empty, ErrorNote, Loaded, useAction } from '../../components/status.tsx';
import { formatDateTime, kindLabel } from '../../lib/format.ts';
import { useSurveys } from '../../lib/resources.ts';
import { deleteSurvey, updateSurvey } from './data.ts';

/** Surveys: list, activate/pause, delete; links to the editor. */
export function SurveysPage() {
  const [surveys, reload] = useSurveys();
  const action = useAction();
  const setStatus = (survey: Survey, status: 'active' | 'paused') =>
    action.run(() => updateSurvey(survey.id, { status }));
  return (
    <div class="page">
      <div class="page-head">
        <h1>Surveys</h1>
        <a class="button primary" href="#/admin/surveys/new">
          New survey
        </a>
      </div>
      {action.error && <ErrorNote error={action.error} />}
      <Loaded load={surveys} retry={reload}>
        {(list) =>
          list.length === 0 ? (
            <Empty>No surveys yet. Create one to start asking.</Empty>
          ) : (
            <DataTable
              label="Surveys"
              rows={list}
              rowKey={(survey) => survey.id}
              columns={[
                {
                  header: 'Name',
                  cell: (survey) => <a href={`#/admin/surveys/${survey.id}`}>{survey.name}</a>,
                },
                { header: 'Kind', cell: (survey) => kindLabel(survey.kind) },
                { header: 'Status', cell: (survey) => (survey.status === 'active' ? 'Active' : 'Paused') },
                { header: 'Locales', cell: (survey) => Object.keys(survey.texts).join(', ') },
                { header: 'Changed', cell: (survey) => formatDateTime(survey.updatedAt) },
                {
                  header: 'Actions',
                  hideHeader: true,
                  class: 'row-actions',
                  cell: (survey) => (
                    <>
                      {survey.status === 'active' ? (
                        <button type="button" onClick={() => setStatus(survey, 'paused')}>
                          Pause
                        </button>
                      ) : (
                        <button type="button" onClick={() => setStatus(survey, 'active')}>
                          Activate
                        </button>
                      )}
                      <ConfirmButton
                        question={`Delete "${survey.name}"? Its responses are kept.`}
                        onConfirm={() => action.run(() => deleteSurvey(survey.id))}
                      >
                        Delete
                      </ConfirmButton>
                    </>
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

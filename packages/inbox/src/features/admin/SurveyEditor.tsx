import type { Survey, SurveyTexts } from '@closeloop/shared';
import { useState } from 'preact/hooks';
import type { PageProps } from '../../app/routes.ts';
import { ErrorNote, Loaded, useAction } from '../../components/status.tsx';
import { api } from '../../lib/api.ts';
import { navigate } from '../../lib/router.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { createSurvey, updateSurvey, useProject } from './data.ts';
import { WidgetPreview } from './WidgetPreview.tsx';

/** How the preview looks until the project's appearance is loaded (or if it cannot be). */
const defaultAppearance = { brandColor: '#4f46e5', position: 'bottom-right', theme: 'auto' } as const;

interface Draft {
  name: string;
  kind: 'nps' | 'csat' | 'ces';
  status: 'active' | 'paused';
  defaultLocale: string;
  texts: Record<string, SurveyTexts>;
  urlInclude: string;
  urlExclude: string;
  delaySeconds: number;
  onEvent: string;
  samplePercent: number;
  showOnce: boolean;
  afterDays: number;
}

const emptyDraft: Draft = {
  name: '',
  kind: 'nps',
  status: 'active',
  defaultLocale: 'en',
  texts: { en: { question: '' } },
  urlInclude: '',
  urlExclude: '',
  delaySeconds: 5,
  onEvent: '',
  samplePercent: 100,
  showOnce: false,
  afterDays: 90,
};

function toDraft(survey: Survey): Draft {
  return {
    name: survey.name,
    kind: survey.kind,
    status: survey.status,
    defaultLocale: survey.defaultLocale,
    texts: survey.texts,
    urlInclude: survey.targeting.urlInclude.join('\n'),
    urlExclude: survey.targeting.urlExclude.join('\n'),
    delaySeconds: survey.targeting.delaySeconds,
    onEvent: survey.targeting.onEvent ?? '',
    samplePercent: survey.targeting.samplePercent,
    showOnce: survey.recontact.showOnce,
    afterDays: survey.recontact.afterDays,
  };
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** Drops empty optional texts so the API does not refuse them. */
function cleanTexts(texts: SurveyTexts): SurveyTexts {
  const followUp = Object.fromEntries(
    Object.entries(texts.followUp ?? {}).filter(([, value]) => value?.trim()),
  );
  return {
    question: texts.question,
    ...(texts.lowLabel?.trim() ? { lowLabel: texts.lowLabel } : {}),
    ...(texts.highLabel?.trim() ? { highLabel: texts.highLabel } : {}),
    ...(Object.keys(followUp).length ? { followUp } : {}),
    ...(texts.thankYou?.trim() ? { thankYou: texts.thankYou } : {}),
  };
}

/** Create or edit a survey: kind, texts per locale, follow-up prompts, targeting, sampling, recontact. */
/** The survey editor: `#/admin/surveys/new`, or `#/admin/surveys/:id` for an existing one. */
export function SurveyEditorPage({ path }: PageProps) {
  return <SurveyEditor id={path.id ?? null} />;
}

// Loaded afresh (not from the cache): the form starts from the survey as it is stored now.
function SurveyEditor({ id }: { id: string | null }) {
  const [loaded] = useLoad(
    () => (id ? api.get<Survey>(`/v1/surveys/${id}`).then(toDraft) : Promise.resolve(emptyDraft)),
    [id],
  );
  return (
    <div class="page">
      <p>
        <a href="#/admin/surveys">← Surveys</a>
      </p>
      <h1>{id ? 'Edit survey' : 'New survey'}</h1>
      <Loaded load={loaded}>{(draft) => <SurveyForm id={id} initial={draft} />}</Loaded>
    </div>
  );
}

function SurveyForm({ id, initial }: { id: string | null; initial: Draft }) {
  const [draft, setDraft] = useState(initial);
  const [locale, setLocale] = useState(
    initial.defaultLocale in initial.texts ? initial.defaultLocale : Object.keys(initial.texts)[0]!,
  );
  const [newLocale, setNewLocale] = useState('');
  const [project] = useProject();
  const action = useAction();
  const set = (changes: Partial<Draft>) => setDraft({ ...draft, ...changes });
  const texts = draft.texts[locale] ?? { question: '' };
  const setTexts = (changes: Partial<SurveyTexts>) =>
    set({ texts: { ...draft.texts, [locale]: { ...texts, ...changes } } });
  const setPrompt = (band: 'negative' | 'neutral' | 'positive', value: string) =>
    setTexts({ followUp: { ...texts.followUp, [band]: value } });

  const save = async (event: Event) => {
    event.preventDefault();
    const body = {
      name: draft.name,
      status: draft.status,
      defaultLocale: draft.defaultLocale,
      texts: Object.fromEntries(Object.entries(draft.texts).map(([key, value]) => [key, cleanTexts(value)])),
      targeting: {
        urlInclude: lines(draft.urlInclude),
        urlExclude: lines(draft.urlExclude),
        delaySeconds: Number(draft.delaySeconds),
        onEvent: draft.onEvent.trim() || null,
        samplePercent: Number(draft.samplePercent),
      },
      recontact: { showOnce: draft.showOnce, afterDays: Number(draft.afterDays) },
    };
    const saved = await action.run(() =>
      id ? updateSurvey(id, body) : createSurvey({ ...body, kind: draft.kind }),
    );
    if (saved) navigate('/admin/surveys');
  };

  return (
    <div class="editor-split">
      <form class="stack survey-form" onSubmit={save}>
        <fieldset>
          <legend>Survey</legend>
          <label>
            Name
            <input
              name="name"
              required
              value={draft.name}
              onInput={(e) => set({ name: e.currentTarget.value })}
            />
          </label>
          <label>
            Kind {id && <span class="muted">(cannot change once created)</span>}
            <select
              name="kind"
              value={draft.kind}
              disabled={!!id}
              onChange={(e) => set({ kind: e.currentTarget.value as Draft['kind'] })}
            >
              <option value="nps">NPS (0–10)</option>
              <option value="csat">CSAT (1–5)</option>
              <option value="ces">CES (1–7)</option>
            </select>
          </label>
          <label>
            Status
            <select
              value={draft.status}
              onChange={(e) => set({ status: e.currentTarget.value as Draft['status'] })}
            >
              <option value="active">Active</option>
              <option value="paused">Paused</option>
            </select>
          </label>
        </fieldset>
        <fieldset>
          <legend>Texts</legend>
          <div class="tabs">
            {/* Only the locale tabs are in the tab list; adding a locale is next to it. */}
            <div class="tabs" role="tablist" aria-label="Locales">
              {Object.keys(draft.texts).map((key) => (
                <button
                  type="button"
                  role="tab"
                  key={key}
                  aria-selected={key === locale}
                  onClick={() => setLocale(key)}
                >
                  {key}
                  {key === draft.defaultLocale ? ' (default)' : ''}
                </button>
              ))}
            </div>
            <input
              placeholder="Add locale, e.g. de"
              aria-label="New locale"
              size={12}
              value={newLocale}
              onInput={(e) => setNewLocale(e.currentTarget.value)}
            />
            <button
              type="button"
              onClick={() => {
                const key = newLocale.trim();
                if (!key || draft.texts[key]) return;
                set({ texts: { ...draft.texts, [key]: { question: '' } } });
                setLocale(key);
                setNewLocale('');
              }}
            >
              Add
            </button>
          </div>
          <label>
            Question
            <input
              name="question"
              required
              value={texts.question}
              onInput={(e) => setTexts({ question: e.currentTarget.value })}
            />
          </label>
          <div class="row">
            <label>
              Low label
              <input
                value={texts.lowLabel ?? ''}
                onInput={(e) => setTexts({ lowLabel: e.currentTarget.value })}
              />
            </label>
            <label>
              High label
              <input
                value={texts.highLabel ?? ''}
                onInput={(e) => setTexts({ highLabel: e.currentTarget.value })}
              />
            </label>
          </div>
          <label>
            Follow-up prompt after a negative score
            <input
              value={texts.followUp?.negative ?? ''}
              onInput={(e) => setPrompt('negative', e.currentTarget.value)}
            />
          </label>
          <label>
            …after a neutral score
            <input
              value={texts.followUp?.neutral ?? ''}
              onInput={(e) => setPrompt('neutral', e.currentTarget.value)}
            />
          </label>
          <label>
            …after a positive score
            <input
              value={texts.followUp?.positive ?? ''}
              onInput={(e) => setPrompt('positive', e.currentTarget.value)}
            />
          </label>
          <label>
            Thank-you message
            <input
              value={texts.thankYou ?? ''}
              onInput={(e) => setTexts({ thankYou: e.currentTarget.value })}
            />
          </label>
          <div class="row">
            <button
              type="button"
              onClick={() => set({ defaultLocale: locale })}
              disabled={locale === draft.defaultLocale}
            >
              Make {locale} the default
            </button>
            {Object.keys(draft.texts).length > 1 && locale !== draft.defaultLocale && (
              <button
                type="button"
                class="danger"
                onClick={() => {
                  const { [locale]: _removed, ...rest } = draft.texts;
                  set({ texts: rest });
                  setLocale(draft.defaultLocale);
                }}
              >
                Remove {locale}
              </button>
            )}
          </div>
        </fieldset>
        <fieldset>
          <legend>Targeting and sampling</legend>
          <label>
            Show on pages matching (one pattern per line, * matches anything; empty = every page)
            <textarea
              rows={3}
              value={draft.urlInclude}
              onInput={(e) => set({ urlInclude: e.currentTarget.value })}
            />
          </label>
          <label>
            Never show on
            <textarea
              rows={2}
              value={draft.urlExclude}
              onInput={(e) => set({ urlExclude: e.currentTarget.value })}
            />
          </label>
          <div class="row">
            <label>
              Delay (seconds)
              <input
                type="number"
                min={0}
                max={3600}
                value={draft.delaySeconds}
                onInput={(e) => set({ delaySeconds: Number(e.currentTarget.value) })}
              />
            </label>
            <label>
              Only after the event
              <input
                placeholder="e.g. checkout-completed"
                value={draft.onEvent}
                onInput={(e) => set({ onEvent: e.currentTarget.value })}
              />
            </label>
            <label>
              Ask % of visitors
              <input
                type="number"
                min={0}
                max={100}
                value={draft.samplePercent}
                onInput={(e) => set({ samplePercent: Number(e.currentTarget.value) })}
              />
            </label>
          </div>
        </fieldset>
        <fieldset>
          <legend>Recontact</legend>
          <label class="check">
            <input
              type="checkbox"
              checked={draft.showOnce}
              onChange={(e) => set({ showOnce: e.currentTarget.checked })}
            />{' '}
            Never ask the same visitor again once answered
          </label>
          <label>
            Otherwise ask again after (days)
            <input
              type="number"
              min={0}
              max={3650}
              value={draft.afterDays}
              onInput={(e) => set({ afterDays: Number(e.currentTarget.value) })}
            />
          </label>
        </fieldset>
        {action.error && <ErrorNote error={action.error} />}
        <div class="row">
          <button type="submit" class="primary" disabled={action.busy}>
            {id ? 'Save survey' : 'Create survey'}
          </button>
          <a href="#/admin/surveys">Cancel</a>
        </div>
      </form>
      <WidgetPreview
        kind={draft.kind}
        texts={texts}
        locale={locale}
        appearance={project.state === 'ready' ? project.value.appearance : defaultAppearance}
      />
    </div>
  );
}

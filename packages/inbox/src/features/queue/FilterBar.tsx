import type { Survey } from '@closeloop/shared';
import { useEffect, useRef, useState } from 'preact/hooks';

export const filterKeys = ['surveyId', 'kind', 'minScore', 'maxScore', 'from', 'to', 'tag', 'q'] as const;
export type Filters = Partial<Record<(typeof filterKeys)[number], string>>;

/** Typing settles for this long before the list follows (no Apply button). */
const typingMs = 350;

/** A text filter that applies itself once typing pauses (and at once on Enter). */
function useTypedFilter(value: string | undefined, apply: (value: string | undefined) => void) {
  const [text, setText] = useState(value ?? '');
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => setText(value ?? ''), [value]);
  useEffect(() => () => clearTimeout(timer.current), []);
  const commit = (next: string) => {
    clearTimeout(timer.current);
    if ((next.trim() || undefined) !== value) apply(next.trim() || undefined);
  };
  return {
    value: text,
    onInput: (event: Event) => {
      const next = (event.currentTarget as HTMLInputElement).value;
      setText(next);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => commit(next), typingMs);
    },
    onKeyDown: (event: KeyboardEvent) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        commit((event.currentTarget as HTMLInputElement).value);
      }
    },
  };
}

/** The queue's filters: every change applies at once (typed text once typing pauses). */
export function FilterBar({
  filters,
  surveys,
  onChange,
  onSaveView,
}: {
  filters: Filters;
  surveys: Survey[];
  onChange: (changes: Record<string, string | undefined>) => void;
  onSaveView: (name: string) => void;
}) {
  const search = useTypedFilter(filters.q, (q) => onChange({ q }));
  const tag = useTypedFilter(filters.tag, (tag) => onChange({ tag }));
  const [naming, setNaming] = useState(false);
  const [viewName, setViewName] = useState('');
  const scores = Array.from({ length: 11 }, (_, i) => String(i));
  const filtered = Object.keys(filters).length > 0;
  return (
    <section class="filters" aria-label="Filters">
      <input type="search" name="q" placeholder="Search comments" aria-label="Search comments" {...search} />
      <select
        aria-label="Survey"
        name="surveyId"
        value={filters.surveyId ?? ''}
        onChange={(e) => onChange({ surveyId: e.currentTarget.value || undefined })}
      >
        <option value="">All surveys</option>
        {surveys.map((survey) => (
          <option key={survey.id} value={survey.id}>
            {survey.name}
          </option>
        ))}
      </select>
      <select
        aria-label="Kind"
        name="kind"
        value={filters.kind ?? ''}
        onChange={(e) => onChange({ kind: e.currentTarget.value || undefined })}
      >
        <option value="">All kinds</option>
        <option value="nps">NPS</option>
        <option value="csat">CSAT</option>
        <option value="ces">CES</option>
      </select>
      <select
        aria-label="Lowest score"
        value={filters.minScore ?? ''}
        onChange={(e) => onChange({ minScore: e.currentTarget.value || undefined })}
      >
        <option value="">Score from</option>
        {scores.map((s) => (
          <option
            key={s}
            value={s}
            disabled={filters.maxScore !== undefined && Number(s) > Number(filters.maxScore)}
          >
            ≥ {s}
          </option>
        ))}
      </select>
      <select
        aria-label="Highest score"
        value={filters.maxScore ?? ''}
        onChange={(e) => onChange({ maxScore: e.currentTarget.value || undefined })}
      >
        <option value="">Score to</option>
        {scores.map((s) => (
          <option
            key={s}
            value={s}
            disabled={filters.minScore !== undefined && Number(s) < Number(filters.minScore)}
          >
            ≤ {s}
          </option>
        ))}
      </select>
      <label class="date-filter">
        <span>From</span>
        <input
          type="date"
          value={filters.from ?? ''}
          max={filters.to}
          onChange={(e) => onChange({ from: e.currentTarget.value || undefined })}
        />
      </label>
      <label class="date-filter">
        <span>To</span>
        <input
          type="date"
          value={filters.to ?? ''}
          min={filters.from}
          onChange={(e) => onChange({ to: e.currentTarget.value || undefined })}
        />
      </label>
      <input name="tag" placeholder="Tag" aria-label="Tag" class="tag-filter" {...tag} />
      {filtered && (
        <button
          type="button"
          class="link"
          onClick={() => onChange(Object.fromEntries(filterKeys.map((key) => [key, undefined])))}
        >
          Clear filters
        </button>
      )}
      {filtered &&
        (naming ? (
          <form
            class="save-view"
            onSubmit={(event) => {
              event.preventDefault();
              if (!viewName.trim()) return;
              onSaveView(viewName.trim());
              setNaming(false);
              setViewName('');
            }}
          >
            <input
              aria-label="View name"
              placeholder="View name"
              maxLength={40}
              value={viewName}
              onInput={(e) => setViewName(e.currentTarget.value)}
              // biome-ignore lint/a11y/noAutofocus: the field appears because the person asked to name the view
              autoFocus
            />
            <button type="submit">Save</button>
            <button type="button" class="link" onClick={() => setNaming(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <button type="button" class="link" onClick={() => setNaming(true)}>
            Save view
          </button>
        ))}
    </section>
  );
}

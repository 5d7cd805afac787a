import type { Rule, RuleCreate, StaffUser, Survey } from '@closeloop/shared';
import { useState } from 'preact/hooks';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { Empty, ErrorNote, Loaded, useAction } from '../../components/status.tsx';
import { kindLabel } from '../../lib/format.ts';
import { useStaff, useSurveys } from '../../lib/resources.ts';
import { combineLoads } from '../../lib/useLoad.ts';
import { deleteRule, saveRule, useRules } from './data.ts';

interface Data {
  rules: Rule[];
  surveys: Survey[];
  users: StaffUser[];
}

/** Follow-up rules: what opens a follow-up at ingestion, when it is due, who owns it. */
export function RulesPage() {
  const [rules, reload] = useRules();
  const [surveys] = useSurveys();
  const [users] = useStaff();
  const data = combineLoads<Data>({ rules, surveys, users });
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  const action = useAction();
  return (
    <div class="page">
      <div class="page-head">
        <h1>Follow-up rules</h1>
        <button type="button" class="primary" onClick={() => setEditing('new')}>
          New rule
        </button>
      </div>
      <p class="muted">
        Rules apply to each response when it arrives, in order. Every matching rule applies: the earliest due
        date wins, the first assignment wins, tags add up.
      </p>
      {action.error && <ErrorNote error={action.error} />}
      <Loaded load={data} retry={reload}>
        {({ rules, surveys, users }) => (
          <>
            {editing && (
              <RuleForm
                // A fresh form for each rule (and for a new one): never another rule's values.
                key={editing === 'new' ? 'new' : editing.id}
                rule={editing === 'new' ? null : editing}
                surveys={surveys}
                users={users}
                onDone={() => setEditing(null)}
              />
            )}
            {rules.length === 0 ? (
              <Empty>No rules: no response opens a follow-up by itself.</Empty>
            ) : (
              <DataTable
                label="Rules"
                rows={rules}
                rowKey={(rule) => rule.id}
                columns={[
                  { header: 'Rule', cell: (rule) => rule.name },
                  { header: 'When', cell: (rule) => describeConditions(rule, surveys) },
                  { header: 'Then', cell: (rule) => describeEffects(rule, users) },
                  {
                    header: 'On',
                    cell: (rule) => (
                      <input
                        type="checkbox"
                        aria-label={`Enable ${rule.name}`}
                        checked={rule.enabled}
                        onChange={(e) =>
                          action.run(() => saveRule(rule.id, { enabled: e.currentTarget.checked }))
                        }
                      />
                    ),
                  },
                  {
                    header: 'Actions',
                    hideHeader: true,
                    class: 'row-actions',
                    cell: (rule) => (
                      <>
                        <button type="button" onClick={() => setEditing(rule)}>
                          Edit
                        </button>
                        <ConfirmButton
                          question={`Delete the rule "${rule.name}"?`}
                          onConfirm={() => action.run(() => deleteRule(rule.id))}
                        >
                          Delete
                        </ConfirmButton>
                      </>
                    ),
                  },
                ]}
              />
            )}
          </>
        )}
      </Loaded>
    </div>
  );
}

function describeConditions(rule: Rule, surveys: Survey[]): string {
  const c = rule.conditions;
  const parts: string[] = [];
  if (c.surveyId) parts.push(`survey "${surveys.find((s) => s.id === c.surveyId)?.name ?? 'deleted'}"`);
  if (c.kind) parts.push(kindLabel(c.kind));
  if (c.scoreAtLeast !== null) parts.push(`score ≥ ${c.scoreAtLeast}`);
  if (c.scoreAtMost !== null) parts.push(`score ≤ ${c.scoreAtMost}`);
  if (c.hasComment !== null) parts.push(c.hasComment ? 'with a comment' : 'without a comment');
  if (c.trait)
    parts.push(
      `${c.trait.key} = ${typeof c.trait.value === 'string' ? JSON.stringify(c.trait.value) : String(c.trait.value)}`,
    );
  return parts.join(', ') || 'every response';
}

function describeEffects(rule: Rule, users: StaffUser[]): string {
  const e = rule.effects;
  const parts: string[] = [];
  if (e.open) parts.push(e.dueInHours ? `open, due in ${e.dueInHours} h` : 'open');
  if (e.assign?.type === 'user')
    parts.push(
      `assign to ${users.find((u) => u.id === (e.assign as { userId: string }).userId)?.name ?? 'unknown'}`,
    );
  if (e.assign?.type === 'round_robin') parts.push('assign round-robin');
  if (e.addTags.length) parts.push(`tag ${e.addTags.join(', ')}`);
  return parts.join('; ') || 'nothing';
}

/** The JSON type a trait condition compares with: `vip = true` is not `vip = "true"`. */
type TraitType = 'string' | 'number' | 'boolean';

/** The type text most likely means: `true`/`false` → boolean, a plain number → number, else text. */
function guessTraitType(text: string): TraitType {
  const trimmed = text.trim();
  if (trimmed === 'true' || trimmed === 'false') return 'boolean';
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return 'number';
  return 'string';
}

/** The value to store for a trait condition, or undefined when the text does not fit the type. */
function typedTraitValue(text: string, type: TraitType): string | number | boolean | undefined {
  if (type === 'string') return text;
  if (type === 'boolean') return text.trim() === 'true' ? true : text.trim() === 'false' ? false : undefined;
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(value) ? value : undefined;
}

function RuleForm({
  rule,
  surveys,
  users,
  onDone,
}: {
  rule: Rule | null;
  surveys: Survey[];
  users: StaffUser[];
  onDone: () => void;
}) {
  const c = rule?.conditions;
  const e = rule?.effects;
  const [form, setForm] = useState({
    name: rule?.name ?? '',
    position: String(rule?.position ?? 100),
    surveyId: c?.surveyId ?? '',
    kind: c?.kind ?? '',
    scoreAtLeast: c?.scoreAtLeast?.toString() ?? '',
    scoreAtMost: c?.scoreAtMost?.toString() ?? '',
    hasComment: c?.hasComment === null || c?.hasComment === undefined ? '' : String(c.hasComment),
    traitKey: c?.trait?.key ?? '',
    traitValue: c?.trait ? String(c.trait.value) : '',
    traitType: (c?.trait ? typeof c.trait.value : 'string') as TraitType,
    open: e?.open ?? true,
    dueInHours: e?.dueInHours?.toString() ?? '48',
    assign: e?.assign?.type === 'user' ? e.assign.userId : (e?.assign?.type ?? ''),
    addTags: e?.addTags.join(', ') ?? '',
  });
  // Until someone picks the type of the trait value, it follows what is typed: true/false, a number, text.
  const [typeChosen, setTypeChosen] = useState(rule?.conditions.trait != null);
  const [traitError, setTraitError] = useState<string | null>(null);
  const action = useAction();
  const set = (changes: Partial<typeof form>) => setForm({ ...form, ...changes });
  const number = (text: string) => (text.trim() === '' ? null : Number(text));
  const submit = async (event: Event) => {
    event.preventDefault();
    const traitValue = typedTraitValue(form.traitValue, form.traitType);
    if (form.traitKey.trim() && traitValue === undefined) {
      setTraitError(
        form.traitType === 'number'
          ? 'The trait value must be a number.'
          : 'The trait value must be true or false.',
      );
      return;
    }
    setTraitError(null);
    const body: RuleCreate = {
      name: form.name,
      position: Number(form.position),
      conditions: {
        surveyId: form.surveyId || null,
        kind: (form.kind || null) as 'nps' | 'csat' | 'ces' | null,
        scoreAtLeast: number(form.scoreAtLeast),
        scoreAtMost: number(form.scoreAtMost),
        hasComment: form.hasComment === '' ? null : form.hasComment === 'true',
        trait:
          form.traitKey.trim() && traitValue !== undefined
            ? { key: form.traitKey.trim(), value: traitValue }
            : null,
      },
      effects: {
        open: form.open,
        dueInHours: number(form.dueInHours),
        assign:
          form.assign === ''
            ? null
            : form.assign === 'round_robin'
              ? { type: 'round_robin' }
              : { type: 'user', userId: form.assign },
        addTags: form.addTags
          .split(',')
          .map((tag) => tag.trim())
          .filter(Boolean),
      },
    };
    const saved = await action.run(() => saveRule(rule ? rule.id : null, body));
    if (saved) onDone();
  };
  return (
    <form class="card stack" onSubmit={submit} aria-label="Rule">
      <h2>{rule ? `Edit "${rule.name}"` : 'New rule'}</h2>
      <div class="row">
        <label>
          Name
          <input required value={form.name} onInput={(ev) => set({ name: ev.currentTarget.value })} />
        </label>
        <label>
          Order
          <input
            type="number"
            min={0}
            value={form.position}
            onInput={(ev) => set({ position: ev.currentTarget.value })}
          />
        </label>
      </div>
      <fieldset>
        <legend>When a response…</legend>
        <div class="row">
          <label>
            Survey
            <select value={form.surveyId} onChange={(ev) => set({ surveyId: ev.currentTarget.value })}>
              <option value="">Any survey</option>
              {surveys.map((survey) => (
                <option key={survey.id} value={survey.id}>
                  {survey.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Kind
            <select value={form.kind} onChange={(ev) => set({ kind: ev.currentTarget.value })}>
              <option value="">Any kind</option>
              <option value="nps">NPS</option>
              <option value="csat">CSAT</option>
              <option value="ces">CES</option>
            </select>
          </label>
          <label>
            Score at least
            <input
              type="number"
              min={0}
              max={10}
              value={form.scoreAtLeast}
              onInput={(ev) => set({ scoreAtLeast: ev.currentTarget.value })}
            />
          </label>
          <label>
            Score at most
            <input
              type="number"
              min={0}
              max={10}
              value={form.scoreAtMost}
              onInput={(ev) => set({ scoreAtMost: ev.currentTarget.value })}
            />
          </label>
          <label>
            Comment
            <select value={form.hasComment} onChange={(ev) => set({ hasComment: ev.currentTarget.value })}>
              <option value="">Either</option>
              <option value="true">Has a comment</option>
              <option value="false">Has no comment</option>
            </select>
          </label>
          <label>
            Trait
            <input
              placeholder="plan"
              value={form.traitKey}
              onInput={(ev) => set({ traitKey: ev.currentTarget.value })}
            />
          </label>
          <label>
            equals
            <input
              placeholder="enterprise"
              inputMode={form.traitType === 'number' ? 'decimal' : undefined}
              value={form.traitValue}
              onInput={(ev) => {
                const traitValue = ev.currentTarget.value;
                set(typeChosen ? { traitValue } : { traitValue, traitType: guessTraitType(traitValue) });
              }}
            />
          </label>
          <label>
            Value type
            <select
              value={form.traitType}
              onChange={(ev) => {
                setTypeChosen(true);
                set({ traitType: ev.currentTarget.value as TraitType });
              }}
            >
              <option value="string">text</option>
              <option value="number">number</option>
              <option value="boolean">true / false</option>
            </select>
          </label>
        </div>
      </fieldset>
      <fieldset>
        <legend>…then</legend>
        <div class="row">
          <label class="check">
            <input
              type="checkbox"
              checked={form.open}
              onChange={(ev) => set({ open: ev.currentTarget.checked })}
            />{' '}
            Open a follow-up
          </label>
          <label>
            Due in (hours)
            <input
              type="number"
              min={1}
              value={form.dueInHours}
              onInput={(ev) => set({ dueInHours: ev.currentTarget.value })}
            />
          </label>
          <label>
            Assign to
            <select value={form.assign} onChange={(ev) => set({ assign: ev.currentTarget.value })}>
              <option value="">Nobody</option>
              <option value="round_robin">Round-robin among agents</option>
              {users
                .filter((user) => !user.deactivatedAt && user.role !== 'viewer')
                .map((user) => (
                  <option key={user.id} value={user.id}>
                    {user.name}
                  </option>
                ))}
            </select>
          </label>
          <label>
            Add tags
            <input
              placeholder="billing, vip"
              value={form.addTags}
              onInput={(ev) => set({ addTags: ev.currentTarget.value })}
            />
          </label>
        </div>
      </fieldset>
      {traitError && <ErrorNote error={traitError} />}
      {action.error && <ErrorNote error={action.error} />}
      <div class="row">
        <button type="submit" class="primary" disabled={action.busy}>
          Save rule
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

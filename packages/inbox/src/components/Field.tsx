import type { ComponentChildren } from 'preact';
import { ApiError } from '../lib/api.ts';

/**
 * A labelled form control: the label wraps the control (so clicking it focuses the control),
 * with an optional hint, and the API's message for this field when a save was refused
 * (`error.errors[].path` equal to `path`).
 */
export function Field({
  label,
  hint,
  path,
  error,
  children,
  class: className,
}: {
  label: ComponentChildren;
  hint?: ComponentChildren;
  path?: string;
  error?: Error | null;
  children: ComponentChildren;
  class?: string;
}) {
  const problem =
    path && error instanceof ApiError ? error.errors.find((item) => item.path === path)?.message : undefined;
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is `children`, inside the label
    <label class={className ? `field ${className}` : 'field'}>
      <span class="field-label">{label}</span>
      {children}
      {hint && <span class="hint">{hint}</span>}
      {problem && (
        <span class="field-error" role="alert">
          {problem}
        </span>
      )}
    </label>
  );
}

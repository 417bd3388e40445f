import type { ComponentChildren } from 'preact';
import { useId, useState } from 'preact/hooks';

import type { FieldErrors, FieldSpec, FieldValue, FormValues, Validation } from '../lib/event-form';
import { initialValues } from '../lib/event-form';

/**
 * A form drawn from field specs (built from a zod contract): labelled controls, the contract's
 * descriptions as hints, and each problem beside its field with a summary on top.
 */
export function SchemaForm({
  fields,
  submitLabel,
  busy,
  validate,
  onSubmit,
  onCancel,
  children,
}: {
  fields: FieldSpec[];
  submitLabel: string;
  busy: boolean;
  validate: (values: FormValues) => Validation;
  onSubmit: (values: FormValues) => void;
  onCancel?: () => void;
  children?: ComponentChildren;
}) {
  const [values, setValues] = useState<FormValues>(() => initialValues(fields));
  const [errors, setErrors] = useState<FieldErrors>({});
  const formId = useId();
  const set = (name: string, value: FieldValue) => setValues((current) => ({ ...current, [name]: value }));

  const submit = (event: Event) => {
    event.preventDefault();
    const checked = validate(values);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    onSubmit(values);
  };

  const problems = Object.entries(errors);
  return (
    <form class="schema-form" onSubmit={submit} noValidate>
      {problems.length > 0 ? (
        <div class="form-errors" role="alert">
          <strong>Please fix:</strong>
          <ul>
            {problems.map(([name, message]) => (
              <li key={name}>
                {fields.find((f) => f.name === name)?.label ?? (name || 'The form')} {message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {fields.length === 0 ? <p class="hint">No details needed.</p> : null}
      {fields.map((field) => (
        <Field
          key={field.name}
          id={`${formId}-${field.name}`}
          field={field}
          value={values[field.name]}
          error={errors[field.name]}
          set={set}
        />
      ))}
      {children}
      <div class="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Sending…' : submitLabel}
        </button>
        {onCancel ? (
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

function Field({
  id,
  field,
  value,
  error,
  set,
}: {
  id: string;
  field: FieldSpec;
  value: FieldValue | undefined;
  error: string | undefined;
  set: (name: string, value: FieldValue) => void;
}) {
  const hintId = field.description ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const common = { id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined, required: field.required };
  const label = (
    <>
      {field.label}
      {field.required ? <span class="required"> (required)</span> : null}
    </>
  );
  const notes = (
    <>
      {field.description ? (
        <p class="hint" id={hintId}>
          {field.description}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={errorId}>
          {field.label} {error}
        </p>
      ) : null}
    </>
  );

  if (field.kind === 'boolean') {
    return (
      <div class="field checkbox">
        <input type="checkbox" {...common} checked={value === true} onChange={(e) => set(field.name, e.currentTarget.checked)} />
        <label for={id}>{label}</label>
        {notes}
      </div>
    );
  }
  if (field.kind === 'multi') {
    const chosen = Array.isArray(value) ? value : [];
    return (
      <fieldset class="field" aria-describedby={describedBy}>
        <legend>{label}</legend>
        {field.options.map((option) => (
          <label key={option.value} class="inline">
            <input
              type="checkbox"
              checked={chosen.includes(option.value)}
              onChange={(e) =>
                set(field.name, e.currentTarget.checked ? [...chosen, option.value] : chosen.filter((v) => v !== option.value))
              }
            />{' '}
            {option.label}
          </label>
        ))}
        {notes}
      </fieldset>
    );
  }
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {field.kind === 'choice' ? (
        <select {...common} value={String(value ?? '')} onChange={(e) => set(field.name, e.currentTarget.value)}>
          <option value="">{field.required ? 'Choose…' : '(not said)'}</option>
          {field.options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      ) : field.kind === 'text' && field.multiline ? (
        <textarea
          {...common}
          rows={3}
          maxLength={field.maxLength}
          value={String(value ?? '')}
          onInput={(e) => set(field.name, e.currentTarget.value)}
        />
      ) : (
        <input
          {...common}
          type={field.kind === 'date' ? 'date' : field.kind === 'datetime' ? 'datetime-local' : 'text'}
          maxLength={field.kind === 'text' ? field.maxLength : undefined}
          value={String(value ?? '')}
          onInput={(e) => set(field.name, e.currentTarget.value)}
        />
      )}
      {notes}
    </div>
  );
}

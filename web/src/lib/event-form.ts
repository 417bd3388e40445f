import { z } from 'zod';

import { CaseCommandSchema, ReleaseDecisionFields, refineDecision } from '../../../src/contracts/case-events';
import { humanize } from './labels';

/**
 * A form for any case event, built from the event's zod contract (the one the API validates with):
 * its JSON Schema gives the fields, zod itself checks the values before they are sent, and the
 * server checks them again. Nothing here is written per event.
 */

export type FieldValue = string | boolean | string[];
export type FormValues = Record<string, FieldValue>;

interface FieldBase {
  /** Dotted path into the body, e.g. "sponsor.category". */
  name: string;
  label: string;
  description?: string;
  required: boolean;
}
export type FieldSpec =
  | (FieldBase & { kind: 'choice'; options: { value: string; label: string }[] })
  | (FieldBase & { kind: 'boolean'; defaultValue: boolean })
  | (FieldBase & { kind: 'text'; maxLength?: number; multiline: boolean })
  | (FieldBase & { kind: 'date' | 'datetime' })
  | (FieldBase & { kind: 'multi'; options: { value: string; label: string }[] });

const decisionBody = ReleaseDecisionFields.omit({ actor: true }).superRefine(refineDecision);

/** The body an event is sent with: its contract without the actor (the API takes who acts from the token). */
export function eventBodySchema(type: string): z.ZodType | undefined {
  if (type === 'DECIDE_RELEASE') return decisionBody;
  const option = (CaseCommandSchema.options as readonly z.ZodObject[]).find(
    ({ shape }) => shape.type instanceof z.ZodLiteral && shape.type.value === type,
  );
  return option?.omit({ actor: true });
}

interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: string[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  default?: unknown;
  maxLength?: number;
  format?: string;
}

/** Sponsor categories read 1, 2A, 2B, 3 (an enum of number-like keys comes out of zod as 1, 3, 2A, 2B). */
const ordered = (values: string[]): string[] => (values.every((v) => /^\d[A-Z]?$/.test(v)) ? [...values].sort() : values);
const optionsOf = (values: string[]) => ordered(values).map((value) => ({ value, label: humanize(value) }));

function fieldsOf(schema: JsonSchema, prefix: string[], parentLabel: string): FieldSpec[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([key, property]): FieldSpec[] => {
    if (property.const !== undefined) return [];
    const path = [...prefix, key];
    const base = {
      name: path.join('.'),
      label: parentLabel ? `${parentLabel}: ${humanize(key).toLowerCase()}` : humanize(key),
      ...(property.description ? { description: property.description } : {}),
      required: required.has(key),
    };
    if (property.type === 'object') return fieldsOf(property, path, humanize(key));
    if (property.enum) return [{ ...base, kind: 'choice', options: optionsOf(property.enum) }];
    if (property.type === 'array' && property.items?.enum) return [{ ...base, kind: 'multi', options: optionsOf(property.items.enum) }];
    if (property.type === 'boolean') {
      // A yes/no that may also be left unsaid (e.g. whether a Category 3 sponsor is related) is a choice, not a checkbox.
      if (property.default === undefined) {
        return [
          {
            ...base,
            kind: 'choice',
            options: [
              { value: 'true', label: 'Yes' },
              { value: 'false', label: 'No' },
            ],
          },
        ];
      }
      return [{ ...base, kind: 'boolean', defaultValue: property.default === true }];
    }
    if (property.format === 'date') return [{ ...base, kind: 'date' }];
    if (property.format === 'date-time') return [{ ...base, kind: 'datetime' }];
    return [
      {
        ...base,
        kind: 'text',
        multiline: (property.maxLength ?? 0) > 200,
        ...(property.maxLength ? { maxLength: property.maxLength } : {}),
      },
    ];
  });
}

/** A form's fields from a contract, in its order (nested objects flattened, e.g. the sponsor's). */
export function schemaFields(schema: z.ZodType): FieldSpec[] {
  return fieldsOf(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema, [], '');
}

/** The fields of an event's form. */
export function eventFields(type: string): FieldSpec[] {
  const schema = eventBodySchema(type);
  return schema ? schemaFields(schema) : [];
}

/** What a fresh form holds: defaults for checkboxes, nothing chosen or typed. */
export function initialValues(fields: FieldSpec[]): FormValues {
  return Object.fromEntries(fields.map((f) => [f.name, f.kind === 'boolean' ? f.defaultValue : f.kind === 'multi' ? [] : '']));
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const child = (target[head] ??= {}) as Record<string, unknown>;
  setPath(child, rest, value);
}

/**
 * The request body from the form: empty fields left out, yes/no choices as booleans, a local date
 * and time (the browser's datetime-local) as an ISO instant.
 */
export function bodyFrom(fields: FieldSpec[], values: FormValues, base: Record<string, unknown> = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { ...base };
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    const isYesNo = field.kind === 'choice' && field.options.length === 2 && field.options[0]!.value === 'true';
    const typed = isYesNo
      ? value === 'true'
      : field.kind === 'datetime' && typeof value === 'string'
        ? localToIso(value)
        : typeof value === 'string'
          ? value.trim()
          : value;
    if (typed === '') continue;
    setPath(body, field.name.split('.'), typed);
  }
  return body;
}

/** "2026-11-20T10:00" in the viewer's zone as an ISO instant; left as typed when it is not a time. */
function localToIso(value: string): string {
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? value : time.toISOString();
}

export type FieldErrors = Record<string, string>;
export type Validation = { ok: true } | { ok: false; errors: FieldErrors };

/** Checks an event's body against its contract. */
export function validateBody(type: string, body: unknown): Validation {
  const schema = eventBodySchema(type);
  if (!schema) return { ok: false, errors: { '': `Unknown event ${type}.` } };
  return validateAgainst(schema, body);
}

/** Each problem under its field's name ("" for the form as a whole). */
export function validateAgainst(schema: z.ZodType, body: unknown): Validation {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const name = issue.path.join('.');
    errors[name] ??= issue.input === undefined && issue.code !== 'custom' ? 'is required' : issue.message;
  }
  return { ok: false, errors };
}

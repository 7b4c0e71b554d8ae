/**
 * MCP elicitation forms: the `requestedSchema` of an `elicitation/create`
 * request turned into a list of fields, and the user's answers checked
 * against them. The MCP specification restricts the schema to a flat object
 * of primitive properties (string, with a format or an enum; number or
 * integer; boolean; and a multi-select list of enum strings), so anything
 * else is refused rather than shown half. Shared by the webview (the form),
 * the extension (checks the webview's answer) and the language server (checks
 * again before the server gets it); plain TypeScript, no DOM, no Node.
 */

export type ElicitationValue = string | number | boolean | string[];

export interface ElicitationOption {
  value: string;
  label: string;
}

interface FieldBase {
  /** The property's name in the schema (what the server gets back). */
  name: string;
  /** The label: the schema's title, or the name. */
  title: string;
  description?: string;
  required: boolean;
}

export type StringFormat = 'email' | 'uri' | 'date' | 'date-time';

export type ElicitationField =
  | (FieldBase & { kind: 'text'; format?: StringFormat; minLength?: number; maxLength?: number; default?: string })
  | (FieldBase & { kind: 'number'; integer: boolean; minimum?: number; maximum?: number; default?: number })
  | (FieldBase & { kind: 'boolean'; default?: boolean })
  | (FieldBase & { kind: 'choice'; options: ElicitationOption[]; default?: string })
  | (FieldBase & { kind: 'multiChoice'; options: ElicitationOption[]; minItems?: number; maxItems?: number; default?: string[] });

export const MAX_FIELDS = 50;
const MAX_OPTIONS = 200;
const MAX_LABEL = 200;
const MAX_DESCRIPTION = 2_000;
/** The longest answer a text field takes, whatever the schema allows. */
export const MAX_TEXT_ANSWER = 10_000;
const FORMATS: readonly StringFormat[] = ['email', 'uri', 'date', 'date-time'];

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function text(v: unknown, max: number): string | undefined {
  return typeof v === 'string' ? v.slice(0, max) : undefined;
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

function finite(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** `enum` (with the legacy `enumNames`) or `oneOf`/`anyOf` of `{ const, title }`: the choices of a single or multiple select. */
function options(schema: Record<string, unknown>): ElicitationOption[] | undefined {
  if (Array.isArray(schema.enum)) {
    if (!schema.enum.every((v) => typeof v === 'string')) return undefined;
    const names = Array.isArray(schema.enumNames) ? schema.enumNames : [];
    return (schema.enum as string[]).map((value, i) => ({ value, label: text(names[i], MAX_LABEL) ?? value }));
  }
  const titled = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
  if (!titled) return undefined;
  const out: ElicitationOption[] = [];
  for (const item of titled) {
    const r = record(item);
    if (!r || typeof r.const !== 'string') return undefined;
    out.push({ value: r.const, label: text(r.title, MAX_LABEL) ?? r.const });
  }
  return out;
}

function parseField(name: string, raw: unknown, required: boolean): Parsed<ElicitationField> {
  const schema = record(raw);
  if (!schema) return { ok: false, reason: `the field "${name}" has no schema` };
  const base: FieldBase = { name, title: text(schema.title, MAX_LABEL) || name, required };
  const description = text(schema.description, MAX_DESCRIPTION);
  if (description) base.description = description;
  switch (schema.type) {
    case 'string': {
      const choices = options(schema);
      if (choices) {
        if (choices.length === 0 || choices.length > MAX_OPTIONS) return { ok: false, reason: `the field "${name}" has ${choices.length} choices` };
        const def = typeof schema.default === 'string' && choices.some((c) => c.value === schema.default) ? schema.default : undefined;
        return { ok: true, value: { ...base, kind: 'choice', options: choices, ...(def !== undefined ? { default: def } : {}) } };
      }
      if (schema.enum !== undefined || schema.oneOf !== undefined || schema.anyOf !== undefined) return { ok: false, reason: `the choices of the field "${name}" are not a list of strings` };
      let format: StringFormat | undefined;
      if (schema.format !== undefined) {
        if (!FORMATS.includes(schema.format as StringFormat)) return { ok: false, reason: `the field "${name}" has the format ${JSON.stringify(schema.format)}, which Hearth does not know` };
        format = schema.format as StringFormat;
      }
      const field: ElicitationField = { ...base, kind: 'text' };
      if (format) field.format = format;
      if (count(schema.minLength) !== undefined) field.minLength = count(schema.minLength);
      if (count(schema.maxLength) !== undefined) field.maxLength = count(schema.maxLength);
      if (typeof schema.default === 'string') field.default = schema.default.slice(0, MAX_TEXT_ANSWER);
      return { ok: true, value: field };
    }
    case 'number':
    case 'integer': {
      const field: ElicitationField = { ...base, kind: 'number', integer: schema.type === 'integer' };
      if (finite(schema.minimum) !== undefined) field.minimum = finite(schema.minimum);
      if (finite(schema.maximum) !== undefined) field.maximum = finite(schema.maximum);
      if (finite(schema.default) !== undefined) field.default = finite(schema.default);
      return { ok: true, value: field };
    }
    case 'boolean':
      return { ok: true, value: { ...base, kind: 'boolean', ...(typeof schema.default === 'boolean' ? { default: schema.default } : {}) } };
    case 'array': {
      const items = record(schema.items);
      const choices = items && (items.type === undefined || items.type === 'string') ? options(items) : undefined;
      if (!choices || choices.length === 0 || choices.length > MAX_OPTIONS) return { ok: false, reason: `the list field "${name}" is not a multiple choice of strings` };
      const field: ElicitationField = { ...base, kind: 'multiChoice', options: choices };
      if (count(schema.minItems) !== undefined) field.minItems = count(schema.minItems);
      if (count(schema.maxItems) !== undefined) field.maxItems = count(schema.maxItems);
      if (Array.isArray(schema.default) && schema.default.every((d) => typeof d === 'string' && choices.some((c) => c.value === d))) field.default = schema.default as string[];
      return { ok: true, value: field };
    }
    default:
      return { ok: false, reason: `the field "${name}" has the type ${JSON.stringify(schema.type)}; a form can only ask for text, numbers, yes/no and choices` };
  }
}

/**
 * The fields of a requested schema, in the schema's order, or why the form
 * cannot be shown (then the request is refused: the server gets an error).
 */
export function elicitationFields(requestedSchema: unknown): Parsed<ElicitationField[]> {
  const schema = record(requestedSchema);
  if (!schema || schema.type !== 'object') return { ok: false, reason: 'the requested schema is not an object schema' };
  const properties = record(schema.properties) ?? {};
  const names = Object.keys(properties);
  if (names.length > MAX_FIELDS) return { ok: false, reason: `the form has ${names.length} fields (at most ${MAX_FIELDS})` };
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  const fields: ElicitationField[] = [];
  for (const name of names) {
    const parsed = parseField(name, properties[name], required.has(name));
    if (!parsed.ok) return parsed;
    fields.push(parsed.value);
  }
  return { ok: true, value: fields };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?$/;

function validDate(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function formatProblem(format: StringFormat, value: string): string | undefined {
  switch (format) {
    case 'email':
      return EMAIL.test(value) ? undefined : 'Enter an email address, such as name@example.com.';
    case 'uri':
      try {
        const url = new URL(value);
        return /^[a-z][a-z0-9+.-]*:$/i.test(url.protocol) ? undefined : 'Enter a URL.';
      } catch {
        return 'Enter a full URL, such as https://example.com.';
      }
    case 'date':
      return DATE.test(value) && validDate(value) ? undefined : 'Enter a date as YYYY-MM-DD.';
    case 'date-time':
      return DATE_TIME.test(value) && validDate(value) ? undefined : 'Enter a date and time as YYYY-MM-DDTHH:MM.';
  }
}

function fieldProblem(field: ElicitationField, value: unknown): string | undefined {
  switch (field.kind) {
    case 'text': {
      if (typeof value !== 'string') return 'Enter text.';
      if (value.length > MAX_TEXT_ANSWER) return `At most ${MAX_TEXT_ANSWER} characters.`;
      if (field.minLength !== undefined && value.length < field.minLength) return `At least ${field.minLength} characters.`;
      if (field.maxLength !== undefined && value.length > field.maxLength) return `At most ${field.maxLength} characters.`;
      return field.format ? formatProblem(field.format, value) : undefined;
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'Enter a number.';
      if (field.integer && !Number.isInteger(value)) return 'Enter a whole number.';
      if (field.minimum !== undefined && value < field.minimum) return `At least ${field.minimum}.`;
      if (field.maximum !== undefined && value > field.maximum) return `At most ${field.maximum}.`;
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'Choose yes or no.';
    case 'choice':
      return typeof value === 'string' && field.options.some((o) => o.value === value) ? undefined : 'Choose one of the options.';
    case 'multiChoice': {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && field.options.some((o) => o.value === v))) return 'Choose from the options.';
      if (new Set(value).size !== value.length) return 'Choose each option once.';
      if (field.minItems !== undefined && value.length < field.minItems) return `Choose at least ${field.minItems}.`;
      if (field.maxItems !== undefined && value.length > field.maxItems) return `Choose at most ${field.maxItems}.`;
      return undefined;
    }
  }
}

/**
 * Checks the user's answers against the form. Absent (undefined) values are
 * allowed for optional fields only; keys that are not fields are refused, so
 * nothing reaches the server that the form did not ask for.
 */
export function validateElicitation(fields: readonly ElicitationField[], values: Record<string, unknown>): { ok: true; content: Record<string, ElicitationValue> } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const content: Record<string, ElicitationValue> = {};
  const known = new Set(fields.map((f) => f.name));
  for (const key of Object.keys(values)) if (!known.has(key)) errors[key] = 'The form has no such field.';
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined) {
      if (field.required) errors[field.name] = 'Required.';
      continue;
    }
    const problem = fieldProblem(field, value);
    if (problem) errors[field.name] = problem;
    else content[field.name] = value as ElicitationValue;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, content };
}

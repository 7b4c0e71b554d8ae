import type { JsonSchema } from '../../protocol/tools';

export interface ValidationOutcome {
  ok: boolean;
  /** The value with harmless coercions applied ("12" → 12 for integers, "true" → true for booleans). */
  value: unknown;
  /** One sentence per problem, naming the argument, for the model to read. */
  errors: string[];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Small models often quote numbers and booleans; accepting "12" for an
 * integer costs nothing and saves a wasted round trip. Anything less obvious
 * stays an error the model has to fix.
 */
function coerce(schema: JsonSchema, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if ((schema.type === 'integer' || schema.type === 'number') && /^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (schema.type === 'boolean' && (trimmed === 'true' || trimmed === 'false')) return trimmed === 'true';
  return value;
}

function typeMatches(type: NonNullable<JsonSchema['type']>, value: unknown): boolean {
  switch (type) {
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
  }
}

/** How a check reads: model-produced arguments are coerced; what a server returns is taken as it is. */
export interface ValidationOptions {
  /** Accept "12" for a number and "true" for a boolean (the default, for arguments). */
  coerce?: boolean;
  /** What a top-level name is called in the problems ("argument" by default). */
  noun?: string;
}

function validateNode(schema: JsonSchema, raw: unknown, path: string, errors: string[], options: Required<ValidationOptions>): unknown {
  const value = options.coerce ? coerce(schema, raw) : raw;
  if (schema.type && !typeMatches(schema.type, value)) {
    const article = schema.type === 'integer' || schema.type === 'object' || schema.type === 'array' ? 'an' : 'a';
    errors.push(`${path} must be ${article} ${schema.type}, got ${describe(raw)}.`);
    return value;
  }
  if (schema.enum && !schema.enum.some((allowed) => allowed === value)) {
    errors.push(`${path} must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(raw)}.`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path} must be at least ${schema.minimum}, got ${value}.`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path} must be at most ${schema.maximum}, got ${value}.`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path} must have at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}, got ${value.length}.`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${path} must have at most ${schema.maxItems} items, got ${value.length}.`);
  }
  if (Array.isArray(value) && schema.items) {
    return value.map((item, i) => validateNode(schema.items as JsonSchema, item, `${path}[${i}]`, errors, options));
  }
  if (isPlainObject(value) && (schema.properties || schema.required || schema.additionalProperties === false)) {
    const out: Record<string, unknown> = {};
    const properties = schema.properties ?? {};
    for (const name of schema.required ?? []) {
      if (value[name] === undefined) errors.push(`"${name}" is required${path === 'arguments' ? '' : ` in ${path}`}.`);
    }
    for (const [name, child] of Object.entries(value)) {
      const childPath = path === 'arguments' ? `"${name}"` : `${path}.${name}`;
      if (properties[name]) out[name] = validateNode(properties[name], child, childPath, errors, options);
      else if (schema.additionalProperties === false) errors.push(`${childPath} is not a known ${options.noun}; known ${options.noun}s: ${Object.keys(properties).join(', ') || 'none'}.`);
      else out[name] = child;
    }
    return out;
  }
  return value;
}

/**
 * Checks model-produced tool arguments against the JsonSchema subset of
 * protocol/tools.ts: type, required, enum, minimum/maximum, items, minItems/maxItems, nested
 * properties and additionalProperties: false. Arguments are a trust
 * boundary: the model may send anything. An MCP tool's structured result is
 * checked here too (without coercion), against the same subset of its output schema.
 */
export function validateAgainstSchema(schema: JsonSchema, value: unknown, options: ValidationOptions = {}): ValidationOutcome {
  const errors: string[] = [];
  const coerced = validateNode(schema, value, 'arguments', errors, { coerce: options.coerce ?? true, noun: options.noun ?? 'argument' });
  return { ok: errors.length === 0, value: coerced, errors };
}

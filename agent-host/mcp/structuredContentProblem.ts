import type { JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/index.js';
import { validateAgainstSchema } from '../core/schemaValidator';
import { toSchemaSubset } from './toMcpTool';

/** A result wrong in many places needs no full list: the model learns the tool is broken from the first few. */
const MAX_PROBLEMS_NAMED = 5;

/**
 * Handed to the SDK's client in place of its Ajv validator, which compiles
 * every listed output schema as it arrives: one schema it cannot compile (a
 * `$ref` to nowhere) fails the whole listing, so the server never starts;
 * a `pattern` written to backtrack (`^(a+)+$`) freezes the process that
 * checks a result; and its cache is cleared by each page of `tools/list`, so
 * tools on earlier pages went unchecked. Hearth checks results itself, with
 * structuredContentProblem, and this tells the SDK every output is fine.
 */
export const NO_SDK_OUTPUT_CHECK: jsonSchemaValidator = {
  getValidator<T>(): JsonSchemaValidator<T> {
    return (input) => ({ valid: true, data: input as T, errorMessage: undefined });
  },
};

/**
 * Why a `tools/call` result breaks the promise of the tool's declared output
 * schema, or undefined when it keeps it (or the tool declares none, or the
 * result is an error, which carries no structured content). The result is
 * checked against the same subset of JSON Schema as the model's arguments
 * (protocol/tools.ts JsonSchema): what the subset cannot express (`pattern`,
 * `$ref`, `anyOf`) is not checked, which only loosens the check and cannot
 * fail or hang on a server's schema.
 */
export function structuredContentProblem(toolName: string, outputSchema: Record<string, unknown> | undefined, result: { isError?: unknown; structuredContent?: unknown }): string | undefined {
  if (!outputSchema || result.isError === true) return undefined;
  if (result.structuredContent === undefined) return `${toolName} declares an output schema but returned no structured content, so Hearth did not use its result.`;
  const outcome = validateAgainstSchema(toSchemaSubset(outputSchema), result.structuredContent, { coerce: false, noun: 'property' });
  if (outcome.ok) return undefined;
  const named = outcome.errors.slice(0, MAX_PROBLEMS_NAMED).join(' ');
  const more = outcome.errors.length > MAX_PROBLEMS_NAMED ? ` (and ${outcome.errors.length - MAX_PROBLEMS_NAMED} more problems)` : '';
  return `${toolName} returned structured content that does not match its declared output schema, so Hearth did not use its result: ${named}${more}`;
}

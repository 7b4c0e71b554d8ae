import { ToolError } from './toolError';

/**
 * Readers for model-produced arguments. The agent core validates arguments
 * against the schema before calling the executor, but the executor is a trust
 * boundary of its own (a remote agent may send anything), so every tool reads
 * its arguments through these and gets a message the model can act on.
 */

function bad(message: string): ToolError {
  return new ToolError(message, 'bad arguments');
}

export function stringArg(args: Record<string, unknown>, name: string): string {
  const value = args[name];
  if (typeof value !== 'string') throw bad(`The argument "${name}" is required and must be a string.`);
  return value;
}

export function optionalStringArg(args: Record<string, unknown>, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw bad(`The argument "${name}" must be a string.`);
  return value;
}

export function optionalIntegerArg(args: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  let value = args[name];
  if (value === undefined || value === null) return undefined;
  // Small models often send numbers as strings; accept those that are plainly integers.
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) value = Number(value);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw bad(`The argument "${name}" must be an integer from ${min} to ${max}.`);
  }
  return value;
}

export function optionalBooleanArg(args: Record<string, unknown>, name: string): boolean | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  if (typeof value !== 'boolean') throw bad(`The argument "${name}" must be true or false.`);
  return value;
}

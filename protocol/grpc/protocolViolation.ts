/**
 * Checks used at the gRPC trust boundary. Protobuf decoding already guarantees
 * field types, so these checks are about meaning: enums, sizes, JSON payloads
 * and references between messages. A failed check names the field, so the
 * peer's developer can see what was wrong.
 */
export class ProtocolViolation extends Error {
  constructor(readonly field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.name = 'ProtocolViolation';
  }
}

export function check(condition: unknown, field: string, problem: string): asserts condition {
  if (!condition) throw new ProtocolViolation(field, problem);
}

/** A string no longer than `max` (UTF-16 units, which bounds memory well enough). */
export function text(value: unknown, field: string, max: number, opts: { nonEmpty?: boolean; pattern?: RegExp } = {}): string {
  check(typeof value === 'string', field, 'must be a string');
  check(value.length <= max, field, `is longer than ${max} characters`);
  if (opts.nonEmpty) check(value.length > 0, field, 'must not be empty');
  if (opts.pattern && value.length > 0) check(opts.pattern.test(value), field, `does not match ${opts.pattern}`);
  return value;
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  check(typeof value === 'string' && (allowed as readonly string[]).includes(value), field, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

export function count<T>(value: T[] | undefined | null, field: string, max: number): T[] {
  const list = value ?? [];
  check(Array.isArray(list), field, 'must be a list');
  check(list.length <= max, field, `has more than ${max} entries`);
  return list;
}

export function finiteNumber(value: unknown, field: string, min: number, max: number): number {
  check(typeof value === 'number' && Number.isFinite(value), field, 'must be a number');
  check(value >= min && value <= max, field, `must be between ${min} and ${max}`);
  return value;
}

/** Parses JSON text that must hold a plain object (tool arguments, schemas). */
export function jsonObject(value: unknown, field: string, maxLength: number): Record<string, unknown> {
  const raw = text(value, field, maxLength);
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new ProtocolViolation(field, `is not valid JSON (${(err as Error).message})`);
  }
  check(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed), field, 'must be a JSON object');
  return parsed as Record<string, unknown>;
}

import type { CompleteResult } from '@modelcontextprotocol/sdk/types.js';
import type { McpCompletion } from './mcpTypes';

/** The specification's cap on values in one completion result. */
export const MAX_COMPLETION_VALUES = 100;
/** A value longer than this is no suggestion a user types; it is left out rather than cut into a wrong one. */
const MAX_VALUE_CHARS = 500;

/**
 * A server's completion result as Hearth offers it: strings only, without
 * control characters or line breaks (a value goes into one argument), each
 * once, at most MAX_COMPLETION_VALUES. `hasMore` also says when Hearth cut the
 * list, so the user knows to type more.
 */
export function toCompletion(completion: CompleteResult['completion']): McpCompletion {
  const values: string[] = [];
  const seen = new Set<string>();
  const raw: unknown[] = Array.isArray(completion.values) ? completion.values : [];
  let cut = false;
  for (const value of raw) {
    // eslint-disable-next-line no-control-regex
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_VALUE_CHARS || /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value)) {
      continue;
    }
    if (seen.has(value)) continue;
    if (values.length >= MAX_COMPLETION_VALUES) {
      cut = true;
      break;
    }
    seen.add(value);
    values.push(value);
  }
  const total = typeof completion.total === 'number' && Number.isSafeInteger(completion.total) && completion.total >= 0 ? completion.total : undefined;
  return { values, hasMore: completion.hasMore === true || cut, ...(total !== undefined ? { total } : {}) };
}

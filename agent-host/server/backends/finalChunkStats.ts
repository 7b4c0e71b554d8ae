import type { StreamStats } from '../../openai/openAiAdapter';

/** The bytes of Ollama's final line; they cannot occur inside a JSON string, where quotes are escaped. */
export const DONE_MARKER = Buffer.from('"done":true');

/**
 * Token counts from the last line of an Ollama NDJSON reply, for metrics.
 * Only the last two chunks are kept while the reply streams (the final line
 * may straddle them), so the per-token path does no decoding or copying.
 */
export function finalChunkStats(previous: Uint8Array | undefined, last: Uint8Array | undefined): StreamStats {
  const none = { promptTokens: 0, completionTokens: 0 };
  if (!last) return none;
  const tail = previous ? Buffer.concat([previous, last]) : Buffer.from(last.buffer, last.byteOffset, last.byteLength);
  const at = tail.lastIndexOf(DONE_MARKER);
  if (at < 0) return none;
  const start = tail.lastIndexOf(0x0a, at) + 1;
  const endNl = tail.indexOf(0x0a, at);
  try {
    const obj = JSON.parse(tail.subarray(start, endNl < 0 ? tail.length : endNl).toString('utf8')) as { prompt_eval_count?: number; eval_count?: number };
    return { promptTokens: obj.prompt_eval_count ?? 0, completionTokens: obj.eval_count ?? 0 };
  } catch {
    // Not a complete JSON line; the counts are only for metrics.
    return none;
  }
}

/**
 * A streamed model reply from a transport other than `fetch`: the parsed
 * NDJSON objects of one /api/chat or /api/generate reply, in order, ending
 * after the object with `"done": true`. It fails as the `ollama` client's
 * own stream does (an HTTP refusal as a `ResponseError` with `status_code`,
 * a connection that failed as "fetch failed", a body cut short as
 * "terminated", a cancel as an AbortError, an `error` line as an Error with
 * its text), so the core's error mapping reads both alike.
 */
export interface ModelStream<T = Record<string, unknown>> extends AsyncIterable<T> {
  /** Stops the reply; a read in progress rejects with an AbortError. */
  abort(): void;
  /**
   * Takes the chunks that have already arrived, without waiting (none when
   * the reader is up to date). A reader that fell behind on a busy server
   * catches up in one step instead of one promise and one event per token.
   * A failure is never taken here: the next read still reports it, after
   * these chunks.
   */
  takeReady(): T[];
}

/** The chunks `stream` has already received, if it is a `ModelStream`; the `ollama` client's own streams offer none. */
export function takeReady<T>(stream: AsyncIterable<T>): T[] {
  const ready = (stream as Partial<ModelStream<T>>).takeReady;
  return typeof ready === 'function' ? ready.call(stream) : [];
}

/**
 * Opens one streaming /api/chat or /api/generate request. `signal` is the
 * turn's: cancelling it aborts the request in any phase, queued included.
 */
export type ModelStreamer = (endpoint: 'chat' | 'generate', request: Record<string, unknown>, signal: AbortSignal | undefined) => Promise<ModelStream>;

/** The shape of the `ollama` client's HTTP refusal, which `classifyFailure` reads by name and `status_code`. */
export class ModelResponseError extends Error {
  override readonly name = 'ResponseError';
  constructor(
    readonly error: string,
    readonly status_code: number,
  ) {
    super(error);
  }
}

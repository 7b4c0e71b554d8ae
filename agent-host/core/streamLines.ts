/**
 * The lines of a streamed reply body as its pieces arrive, with the longest
 * line bounded: one line of a model stream (an NDJSON chunk, a server-sent
 * event) is one delta of text or of a tool call, kilobytes at most, so a
 * line past the bound is a broken or hostile server that would otherwise
 * grow one string until the process runs out of memory. Every reader of a
 * model stream keeps it: the OpenAI-compatible one (agent-host/openai/), the
 * team server's Ollama one (agent-host/server/backends/ndjsonModelStream.ts),
 * and the `ollama` npm client, whose own reader splits an ever longer string
 * at every piece, through `boundedLineFetch`.
 */

/** The longest line a reader keeps: 16 MiB of characters (of bytes, for `boundedLineFetch`). */
export const STREAM_LINE_MAX_CHARS = 16 * 1024 * 1024;

/** Thrown by `StreamLines.push` when the line still arriving passes the bound; the reader stops reading there. */
export class StreamLineTooLong extends Error {
  constructor(readonly maxChars: number) {
    super(`the server sent a stream line longer than ${maxChars / 1024 / 1024} MiB; Hearth stopped reading it`);
    this.name = 'StreamLineTooLong';
  }
}

export class StreamLines {
  // The start of a line still arriving, in pieces: searching or joining a long line at every piece would cost its square.
  private partial: string[] = [];
  private partialLength = 0;

  constructor(private readonly maxChars = STREAM_LINE_MAX_CHARS) {}

  /** The lines `text` completes, without their "\n"; throws StreamLineTooLong when the line still arriving is longer than the bound. */
  push(text: string): string[] {
    this.partial.push(text);
    this.partialLength += text.length;
    if (text.indexOf('\n') < 0) {
      if (this.partialLength > this.maxChars) throw new StreamLineTooLong(this.maxChars);
      return [];
    }
    const lines = this.partial.join('').split('\n');
    const rest = lines.pop() ?? '';
    this.partial = rest === '' ? [] : [rest];
    this.partialLength = rest.length;
    if (rest.length > this.maxChars) throw new StreamLineTooLong(this.maxChars);
    return lines;
  }

  /** The last line when the body ended without a "\n" after it ('' when it did), and nothing kept. */
  end(): string {
    const rest = this.partial.join('');
    this.partial = [];
    this.partialLength = 0;
    return rest;
  }
}

/**
 * `base` whose response bodies reach their reader in whole lines, and fail
 * with StreamLineTooLong once a line runs past `maxBytes` without a newline:
 * for a reader that cannot bound its own lines, the `ollama` npm client,
 * whose NDJSON parser appends each piece to the line so far and splits the
 * whole again (a long line costs its square). Holding a line's pieces until
 * its newline costs the reader nothing (it cannot parse half a line) and
 * makes its work linear. The client's read then rejects with that error,
 * which the core names as a line that did not end (errorMapping.ts), and the
 * request is cancelled.
 */
export function boundedLineFetch(base: typeof fetch, maxBytes = STREAM_LINE_MAX_CHARS): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    // The team server's model router answers with its own lean replies (agent-host/completion/leanReply.ts), not
    // WHATWG streams; its streaming reader bounds its lines itself (ndjsonModelStream.ts).
    if (typeof response.body?.pipeThrough !== 'function') return response;
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const bounded = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          const newline = chunk.lastIndexOf(10);
          if (newline < 0) {
            pending.push(chunk);
            pendingBytes += chunk.byteLength;
            if (pendingBytes > maxBytes) controller.error(new StreamLineTooLong(maxBytes));
            return;
          }
          const lines = chunk.subarray(0, newline + 1);
          controller.enqueue(pending.length === 0 ? lines : Buffer.concat([...pending, lines]));
          const rest = chunk.subarray(newline + 1);
          pending = rest.byteLength > 0 ? [rest] : [];
          pendingBytes = rest.byteLength;
          if (pendingBytes > maxBytes) controller.error(new StreamLineTooLong(maxBytes));
        },
        flush(controller) {
          if (pendingBytes > 0) controller.enqueue(Buffer.concat(pending));
        },
      }),
    );
    return new Response(bounded, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

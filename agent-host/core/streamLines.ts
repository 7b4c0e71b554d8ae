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
 * A byte stream cut into pieces that end at a newline: the pieces of a line
 * are held until its newline arrives, and a line still arriving past
 * `maxBytes` throws StreamLineTooLong. For readers that cannot bound their
 * own lines (see boundedLineFetch and wholeLinePull).
 */
export class WholeLineChunks {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxBytes = STREAM_LINE_MAX_CHARS) {}

  /** The whole lines `chunk` completes, with their newlines (undefined when it completes none). */
  push(chunk: Uint8Array): Uint8Array | undefined {
    const newline = chunk.lastIndexOf(10);
    if (newline < 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.byteLength;
      if (this.pendingBytes > this.maxBytes) throw new StreamLineTooLong(this.maxBytes);
      return undefined;
    }
    const lines = chunk.subarray(0, newline + 1);
    const whole = this.pending.length === 0 ? lines : Buffer.concat([...this.pending, lines]);
    const rest = chunk.subarray(newline + 1);
    this.pending = rest.byteLength > 0 ? [rest] : [];
    this.pendingBytes = rest.byteLength;
    if (this.pendingBytes > this.maxBytes) throw new StreamLineTooLong(this.maxBytes);
    return whole;
  }

  /** What followed the last newline when the body ended (undefined when nothing did), and nothing kept. */
  end(): Uint8Array | undefined {
    const rest = this.pendingBytes > 0 ? Buffer.concat(this.pending) : undefined;
    this.pending = [];
    this.pendingBytes = 0;
    return rest;
  }
}

/**
 * `pull` (a body read one piece at a time, `undefined` at its end) whose
 * pieces are whole lines, bounded as WholeLineChunks bounds them: for the
 * lean replies of inline suggestions (agent-host/completion/leanHttpFetch.ts),
 * which the `ollama` client reads with the same unbounded line reader.
 */
export function wholeLinePull(pull: () => Promise<Uint8Array | undefined>, maxBytes = STREAM_LINE_MAX_CHARS): () => Promise<Uint8Array | undefined> {
  const chunks = new WholeLineChunks(maxBytes);
  let ended = false;
  return async () => {
    while (!ended) {
      const piece = await pull();
      if (piece === undefined) {
        ended = true;
        return chunks.end();
      }
      const lines = chunks.push(piece);
      if (lines) return lines;
    }
    return undefined;
  };
}

/**
 * `body` in whole lines, each piece passed through `map` (for a reader that
 * rewrites lines, which it can only do on whole ones), failing with
 * StreamLineTooLong once a line runs past `maxBytes` without a newline.
 */
export function wholeLineStream(body: ReadableStream<Uint8Array>, maxBytes = STREAM_LINE_MAX_CHARS, map: (lines: Uint8Array) => Uint8Array = (lines) => lines): ReadableStream<Uint8Array> {
  const chunks = new WholeLineChunks(maxBytes);
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        try {
          const lines = chunks.push(chunk);
          if (lines) controller.enqueue(map(lines));
        } catch (err) {
          controller.error(err);
        }
      },
      flush(controller) {
        const rest = chunks.end();
        if (rest) controller.enqueue(map(rest));
      },
    }),
  );
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
    // The team server's model router and inline suggestions answer with lean replies (agent-host/completion/leanReply.ts),
    // not WHATWG streams; their streams bound their lines themselves (ndjsonModelStream.ts, wholeLinePull).
    if (typeof response.body?.pipeThrough !== 'function') return response;
    const bounded = wholeLineStream(response.body, maxBytes);
    return new Response(bounded, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

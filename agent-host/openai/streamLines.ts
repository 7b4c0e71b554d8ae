/**
 * The lines of a streamed reply body as its pieces arrive, with the longest
 * line bounded: one line of a model stream (an NDJSON chunk, a server-sent
 * event) is one delta of text or of a tool call, kilobytes at most, so a
 * line past the bound is a broken or hostile server that would otherwise
 * grow one string until the process runs out of memory. Both readers of a
 * model stream use it: the OpenAI-compatible one here and the team server's
 * Ollama one (agent-host/server/backends/ndjsonModelStream.ts).
 */

/** The longest line either reader keeps: 16 MiB of characters. */
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

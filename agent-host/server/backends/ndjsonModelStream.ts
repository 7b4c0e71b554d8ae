/**
 * One backend reply as a `ModelStream`: the body's text goes in as it
 * arrives (`write`), each complete line is parsed once, and the agent core
 * reads the parsed chunks. It ends, and fails, exactly as the `ollama`
 * client's own stream does (see agent-host/core/modelStream.ts): chunks
 * before an `error` line are delivered, then the error; a body that ends
 * without a `done` chunk fails with the client's "Did not receive done"
 * message; lines that are not JSON objects are skipped, as the client skips
 * them. A line that does not end within STREAM_LINE_MAX_CHARS (a broken or
 * hostile backend) stops the reply there, like the OpenAI-compatible reader:
 * the chunks before it are delivered, then a StreamLineTooLong error, and
 * the backend's request is cancelled.
 *
 * Reading is push-based (the socket's own data events), so a token costs one
 * JSON.parse and, when the reader is already waiting, one promise.
 */
import type { ModelStream } from '../../core/modelStream';
import { StreamLines } from '../../core/streamLines';

type Chunk = Record<string, unknown>;

export interface ReplySource {
  /** Stops the body (the request is cancelled or the reader walked away). */
  cancel(): void;
  /** Stops and restarts reading when the reader falls far behind. */
  pause?(): void;
  resume?(): void;
}

export interface ReplyHooks {
  /** The first bytes of the body arrived. */
  first?(): void;
  /** Called once: with the final chunk when the reply completed, without when it failed or was cancelled. */
  finished(final: Chunk | undefined): void;
}

/** Parsed chunks waiting for the reader beyond this pause the source. */
const HIGH_WATER = 256;

/** A chunk of streamed text or thinking (chat's `message`, generate's `response`), with no tool call. */
function carriesText(chunk: Chunk): boolean {
  const message = chunk.message as { content?: unknown; thinking?: unknown; tool_calls?: unknown[] } | undefined;
  if (message) return !message.tool_calls?.length && (!!message.content || !!message.thinking);
  return !!chunk.response || !!chunk.thinking;
}

export class NdjsonModelStream implements ModelStream<Chunk> {
  private readonly queue: Chunk[] = [];
  private readonly lines = new StreamLines();
  private waiter: { resolve(result: IteratorResult<Chunk>): void; reject(err: unknown): void } | undefined;
  private failure: Error | undefined;
  private failureDelivered = false;
  /** No more chunks will be queued (the final one arrived, or the reply failed). */
  private closed = false;
  private started = false;
  private reported = false;
  private paused = false;
  private lastWasText = false;

  constructor(
    private readonly source: ReplySource,
    private readonly hooks: ReplyHooks,
  ) {}

  /** Decoded body text, in order. */
  write(text: string): void {
    if (this.closed) return;
    if (!this.started) {
      this.started = true;
      this.hooks.first?.();
    }
    let lines: string[];
    try {
      lines = this.lines.push(text);
    } catch (err) {
      this.source.cancel();
      this.fail(err as Error);
      return;
    }
    for (const line of lines) {
      if (this.closed) break;
      this.line(line);
    }
    if (!this.closed && !this.paused && this.queue.length >= HIGH_WATER && this.source.pause) {
      this.paused = true;
      this.source.pause();
    }
    this.wake();
  }

  /** The body ended. */
  end(): void {
    if (this.closed) return;
    const rest = this.lines.end();
    if (rest !== '') this.line(rest);
    if (!this.closed) this.fail(new Error('Did not receive done or success response in stream.'));
    this.wake();
  }

  /** The body failed (already shaped as the client's failure: AbortError, "terminated", ...). */
  fail(err: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.failure = err;
    this.report(undefined);
    this.wake();
  }

  abort(): void {
    if (this.closed) {
      // A reply that completed while paused still drains, so its connection goes back to the pool.
      if (this.paused) {
        this.paused = false;
        this.source.resume?.();
      }
      return;
    }
    this.source.cancel();
    this.fail(new DOMException('This operation was aborted', 'AbortError'));
  }

  /**
   * The reply is still streaming text: its last chunk carried content or
   * thinking and no tool call, and the final chunk has not arrived.
   */
  get midText(): boolean {
    return this.lastWasText && !this.closed;
  }

  takeReady(): Chunk[] {
    if (this.queue.length === 0) return [];
    const ready = this.queue.splice(0);
    this.resumeBelowHalf();
    return ready;
  }

  [Symbol.asyncIterator](): AsyncIterator<Chunk> {
    return {
      next: () => this.next(),
      return: async () => {
        // A reader that stops early releases the request instead of leaving it streaming.
        this.abort();
        return { done: true, value: undefined };
      },
    };
  }

  private next(): Promise<IteratorResult<Chunk>> {
    if (this.queue.length === 0 && !this.closed) return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
    return new Promise((resolve, reject) => this.answer(resolve, reject));
  }

  /** Answers one read from what is queued (or how the reply ended); callers make sure there is an answer. */
  private answer(resolve: (result: IteratorResult<Chunk>) => void, reject: (err: unknown) => void): void {
    const chunk = this.queue.shift();
    if (chunk) {
      this.resumeBelowHalf();
      return resolve({ done: false, value: chunk });
    }
    if (this.failure && !this.failureDelivered) {
      this.failureDelivered = true;
      return reject(this.failure);
    }
    resolve({ done: true, value: undefined });
  }

  /** A paused source reads again once the reader has taken half of what waited. */
  private resumeBelowHalf(): void {
    if (this.paused && this.queue.length < HIGH_WATER / 2) {
      this.paused = false;
      this.source.resume?.();
    }
  }

  private line(line: string): void {
    if (line.trim() === '') return;
    let chunk: unknown;
    try {
      chunk = JSON.parse(line);
    } catch {
      return;
    }
    if (chunk === null || typeof chunk !== 'object' || Array.isArray(chunk)) return;
    const record = chunk as Chunk;
    if ('error' in record) return this.fail(new Error(String(record.error)));
    this.queue.push(record);
    this.lastWasText = carriesText(record);
    if (record.done) {
      // The client stops at the final chunk; whatever follows it is only drained.
      this.closed = true;
      this.report(record);
    }
  }

  private report(final: Chunk | undefined): void {
    if (this.reported) return;
    this.reported = true;
    this.hooks.finished(final);
  }

  private wake(): void {
    const waiter = this.waiter;
    if (!waiter || (this.queue.length === 0 && !this.closed)) return;
    this.waiter = undefined;
    this.answer(waiter.resolve, waiter.reject);
  }
}

/**
 * An in-process reply: a translator (the OpenAI adapter) writes Ollama's
 * reply format into it as if it were an HTTP response, and the agent core's
 * `ollama` client reads it as the `fetch` response it asked for. No socket
 * and no WHATWG stream sit between the two.
 */
import { LeanBody, type LeanReplyHead } from '../completion/leanReply';

export interface ReplySink {
  writeHead(status: number, headers: Record<string, string>): void;
  write(chunk: string): boolean;
  end(chunk?: string): void;
}

export class ReplyPipe implements ReplySink {
  private head: LeanReplyHead | undefined;
  private headWaiters: ((head: LeanReplyHead) => void)[] = [];
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  get headersSent(): boolean {
    return this.head !== undefined;
  }

  writeHead(status: number, headers: Record<string, string>): void {
    this.head = { status, headers };
    for (const w of this.headWaiters.splice(0)) w(this.head);
  }

  write(chunk: string): boolean {
    if (this.ended) return false;
    this.chunks.push(Buffer.from(chunk, 'utf8'));
    this.wake?.();
    return true;
  }

  end(chunk?: string): void {
    if (chunk !== undefined) this.write(chunk);
    this.ended = true;
    this.wake?.();
  }

  /** Ends the reply with an error the reader sees as a dropped connection. */
  fail(err: Error): void {
    this.failure ??= err;
    this.ended = true;
    this.wake?.();
  }

  /** Resolves once the translator wrote the status line. */
  headers(): Promise<LeanReplyHead> {
    return this.head ? Promise.resolve(this.head) : new Promise((resolve) => this.headWaiters.push(resolve));
  }

  /** The body as the `ollama` client reads it. */
  body(): LeanBody {
    return new LeanBody(async () => {
      for (;;) {
        const next = this.chunks.shift();
        if (next) return next;
        if (this.failure) throw new TypeError('terminated', { cause: this.failure });
        if (this.ended) return undefined;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
    });
  }
}

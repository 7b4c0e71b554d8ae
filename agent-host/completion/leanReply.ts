/**
 * The subset of a fetch `Response` the `ollama` client reads (status,
 * headers, a body reader, `json()`, `text()`), over a plain pull function
 * instead of WHATWG streams. Model replies stream one small chunk per token;
 * on a team server with hundreds of them at once, the web-streams machinery
 * around each chunk was a large share of the CPU.
 */

export interface LeanReplyHead {
  status: number;
  statusText?: string;
  headers: Headers | Record<string, string>;
}

/** `undefined` from `pull` means the body ended. */
export type PullChunk = () => Promise<Uint8Array | undefined>;

export class LeanBody {
  constructor(private readonly pull: PullChunk, private readonly onCancel: () => void = () => undefined) {}

  getReader() {
    return {
      read: async (): Promise<{ done: boolean; value?: Uint8Array }> => {
        const value = await this.pull();
        return value === undefined ? { done: true } : { done: false, value };
      },
      releaseLock: () => undefined,
      cancel: async () => this.onCancel(),
    };
  }
}

export class LeanReply {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;

  constructor(head: LeanReplyHead, readonly body: LeanBody) {
    this.status = head.status;
    this.ok = this.status >= 200 && this.status < 300;
    this.statusText = head.statusText ?? '';
    this.headers = head.headers instanceof Headers ? head.headers : new Headers(head.headers);
  }

  async text(): Promise<string> {
    const reader = this.body.getReader();
    const chunks: Uint8Array[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done || !value) break;
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

/** A whole JSON reply, for answers the router makes itself (errors, model lists). */
export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): LeanReply {
  let sent = false;
  const bytes = Buffer.from(JSON.stringify(value), 'utf8');
  return new LeanReply(
    { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } },
    new LeanBody(async () => {
      if (sent) return undefined;
      sent = true;
      return bytes;
    }),
  );
}

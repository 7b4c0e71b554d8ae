/**
 * Merges a turn's streamed text (and reasoning) deltas into fewer gRPC
 * messages when the server is busy, without ever delaying the first one.
 *
 * Each gRPC message costs the server a protobuf encoding, an HTTP/2 frame and
 * a TLS record, which at hundreds of concurrent turns is most of its CPU.
 * Deltas that arrive while a flush is already scheduled ride along with it.
 * How long a stream may wait before its next message goes out grows with
 * the event loop's load (see `LoadGauge`): zero when the server is idle, so a
 * lone developer sees every token as it comes, up to a cap under load, so
 * tokens arrive in small bursts instead of the whole server falling behind.
 */
import type { AgentEvent } from '../../../protocol/chat';

type DeltaEvent = Extract<AgentEvent, { type: 'text' | 'thinking' }>;

/**
 * Text handed to `send` but not yet written, beyond which the turn waits for
 * the client. Flushes run from timers, not from the turn, so without a bound
 * a client that reads slowly (or not at all) would have the server read the
 * model's whole reply into memory. A client that keeps up never gets near it.
 */
export const MAX_UNSENT_CHARS = 65_536;

export class DeltaCoalescer {
  private pending: DeltaEvent | undefined;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private flushing: Promise<void> = Promise.resolve();
  /** Characters of deltas flushed to `send` whose send has not completed. */
  private unsentChars = 0;

  /**
   * @param send writes one event to the stream (resolves when it may write more)
   * @param windowMs the current minimum gap between two delta messages of one stream
   */
  constructor(private readonly send: (event: AgentEvent) => Promise<void>, private readonly windowMs: () => number) {}

  /**
   * Queues or sends `event`, keeping the order of everything pushed. Returns
   * a promise only when the caller has something to wait for (a send in
   * progress, or a backlog over MAX_UNSENT_CHARS): a delta that merely joins
   * the pending message costs its caller no promise and no await, once per
   * token of every turn.
   */
  push(event: AgentEvent): Promise<void> | undefined {
    if (event.type !== 'text' && event.type !== 'thinking') return this.flush().then(() => this.send(event));
    if (this.pending && this.pending.type !== event.type) void this.flush();
    if (this.pending) {
      this.pending = { type: event.type, delta: this.pending.delta + event.delta } as DeltaEvent;
      // A large backlog goes out now rather than growing without bound.
      return this.pending.delta.length >= 16_384 ? this.flush() : this.backlog();
    }
    this.pending = { ...event };
    const wait = this.lastSentAt + this.windowMs() - performance.now();
    if (wait <= 0 && this.lastSentAt === Number.NEGATIVE_INFINITY) return this.flush();
    this.schedule(Math.max(0, wait));
    return this.backlog();
  }

  /** What the caller waits for when the client is this far behind. */
  private backlog(): Promise<void> | undefined {
    return this.unsentChars > MAX_UNSENT_CHARS ? this.flushing : undefined;
  }

  /** Sends whatever is pending now. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = undefined;
    }
    const event = this.pending;
    this.pending = undefined;
    if (event) {
      this.lastSentAt = performance.now();
      const size = event.delta.length;
      this.unsentChars += size;
      this.flushing = this.flushing
        .then(() => this.send(event))
        .then(() => void (this.unsentChars -= size));
    }
    return this.flushing;
  }

  /** Drops anything pending (the turn ended abruptly). */
  discard(): void {
    this.pending = undefined;
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = undefined;
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer) return;
    // setImmediate still lets deltas that arrived in the same loop turn share one message.
    this.timer = delayMs < 1 ? setImmediate(() => void this.flush()) : setTimeout(() => void this.flush(), delayMs);
  }
}

/**
 * How busy this process's event loop is, sampled a few times a second, as
 * the delta coalescing window for streamed text: 0 ms while the loop is
 * mostly idle and few streams are open, rising to `maxWindowMs` as it gets
 * busy or as streams multiply.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** Open streams at which the window reaches its cap whatever the load. */
const STREAMS_AT_CAP = 100;

export class LoadGauge {
  private last: EventLoopUtilization = performance.eventLoopUtilization();
  private utilization = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly maxWindowMs = 25, sampleMs = 250) {
    this.timer = setInterval(() => {
      const now = performance.eventLoopUtilization();
      this.utilization = performance.eventLoopUtilization(now, this.last).utilization;
      this.last = now;
    }, sampleMs);
    this.timer.unref();
  }

  /** The share of the last sample period the loop was busy, 0 to 1. */
  get busy(): number {
    return this.utilization;
  }

  /**
   * Below 10 % busy (a few developers): no waiting, every token goes out as
   * it comes. From there the window grows to the cap at half busy, long
   * enough to merge two or three tokens of a fast model (10 ms per token)
   * and still well under what a reader notices in streamed text.
   *
   * The number of streams open at once widens it too (the cap at
   * STREAMS_AT_CAP): each message costs the server and every developer's
   * machine its own encoding, frame and TLS record, so hundreds of streams
   * sent token by token keep a server busy that could have been idle, and a
   * load generator or a slow client behind it falls behind, while the loop
   * itself never looks busy enough to batch. A lone developer still sees
   * every token as it comes.
   */
  windowMs(openStreams = 0): number {
    const byLoad = Math.min(1, Math.max(0, (this.utilization - 0.1) / 0.4));
    const byStreams = Math.min(1, Math.max(0, openStreams - 1) / STREAMS_AT_CAP);
    return Math.round(Math.max(byLoad, byStreams) * this.maxWindowMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

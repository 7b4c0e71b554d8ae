/**
 * How busy this process's event loop is, sampled a few times a second, as
 * the delta coalescing window for streamed text: 0 ms while the loop is
 * mostly idle, rising to `maxWindowMs` as it gets busy.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

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
   */
  windowMs(): number {
    return Math.round(Math.min(1, Math.max(0, (this.utilization - 0.1) / 0.4)) * this.maxWindowMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * How busy this process's event loop is, sampled a few times a second, as
 * the delta coalescing window for streamed text: 0 ms while the loop is
 * mostly idle and few streams are open, rising to `capMs` as it gets busy
 * or as streams multiply.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** Open streams at which the window reaches its cap whatever the load. */
const STREAMS_AT_CAP = 100;

export interface LoadGaugeOptions {
  /** The window's cap (ms). */
  capMs?: number;
  sampleMs?: number;
}

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/**
 * The window for a loop `utilization` busy (0 to 1) with `openStreams`
 * streams open.
 *
 * Below 10 % busy (a few developers): no waiting, every token goes out as
 * it comes. From there the window grows to the cap at half busy: 100 ms by
 * default, about ten tokens of a fast model (10 ms per token), ten updates
 * a second, which the chat view reveals a little per frame
 * (webview/textPartView.ts), so the reader still sees the text flow at
 * the model's pace. At 100 developers that cap sent 5.4 text messages per
 * turn against 9.1 for a 50 ms cap and cost about 9 % less CPU per turn;
 * 50 ms had saved as much against 25 (the README's scaling section has the
 * side-by-side figures).
 *
 * The number of streams open at once widens it too (the cap at
 * STREAMS_AT_CAP): each message costs the server and every developer's
 * machine its own encoding, frame and TLS record, so hundreds of streams
 * sent token by token keep a server busy that could have been idle, and a
 * load generator or a slow client behind it falls behind, while the loop
 * itself never looks busy enough to batch. A lone developer still sees
 * every token as it comes.
 *
 * It stays at the cap however busy the loop gets: the same window paces
 * the reads of each reply's socket, so a wider one makes every turn end
 * later, and a 200 ms window near saturation measured no less CPU per turn
 * at 500 developers than 100. The window falls back as soon as the load
 * does.
 */
export function deltaWindowMs(utilization: number, openStreams: number, capMs: number): number {
  const byLoad = clamp01((utilization - 0.1) / 0.4);
  const byStreams = clamp01(Math.max(0, openStreams - 1) / STREAMS_AT_CAP);
  return Math.round(Math.max(byLoad, byStreams) * capMs);
}

export class LoadGauge {
  private last: EventLoopUtilization = performance.eventLoopUtilization();
  private utilization = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly capMs: number;

  constructor(options: LoadGaugeOptions = {}) {
    this.capMs = options.capMs ?? 100;
    this.timer = setInterval(() => {
      const now = performance.eventLoopUtilization();
      this.utilization = performance.eventLoopUtilization(now, this.last).utilization;
      this.last = now;
    }, options.sampleMs ?? 250);
    this.timer.unref();
  }

  /** The share of the last sample period the loop was busy, 0 to 1. */
  get busy(): number {
    return this.utilization;
  }

  /** The current delta window (see `deltaWindowMs`). */
  windowMs(openStreams = 0): number {
    return deltaWindowMs(this.utilization, openStreams, this.capMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

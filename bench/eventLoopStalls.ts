/**
 * The stops of this process's event loop: a timer due every `periodMs` that
 * fires `thresholdMs` or more late marks a stretch in which nothing here ran
 * (a garbage collection, a long callback, or the process held off its core),
 * with the time it began, so bench:server can set the stops of its load
 * generator and of each server against its slowest turns.
 * monitorEventLoopDelay gives a histogram only, not when.
 */
import type { Stall } from './tailAttribution';

/**
 * Watches until `stop()`. Each stall goes to `onStall` as it ends; without
 * one, they are kept and returned by `stop()` (a process that logs its
 * stalls as they come, for its whole life, keeps none of them).
 */
export function watchEventLoopStalls(thresholdMs: number, periodMs = 5, onStall?: (s: Stall) => void): { stop(): Stall[] } {
  const stalls: Stall[] = [];
  let due = performance.now() + periodMs;
  let timer: NodeJS.Timeout;
  const tick = () => {
    const now = performance.now();
    if (now - due >= thresholdMs) {
      const stall = { start: performance.timeOrigin + due, end: performance.timeOrigin + now };
      if (onStall) onStall(stall);
      else stalls.push(stall);
    }
    due = now + periodMs;
    // The watch never keeps a process alive that would otherwise exit.
    timer = setTimeout(tick, periodMs).unref();
  };
  timer = setTimeout(tick, periodMs).unref();
  return {
    stop() {
      clearTimeout(timer);
      return stalls;
    },
  };
}

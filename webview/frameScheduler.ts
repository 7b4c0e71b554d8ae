/**
 * When to paint. Streaming applies events to the model immediately but paints
 * at most once per animation frame; tests substitute a scheduler they flush by
 * hand, so they can count renders instead of timing them.
 */
export interface FrameScheduler {
  request(callback: () => void): void;
  /** The current frame's time in milliseconds (streamed text is revealed by it). */
  now(): number;
}

export function animationFrameScheduler(view: Window): FrameScheduler {
  return {
    request(callback) {
      if (typeof view.requestAnimationFrame === 'function') view.requestAnimationFrame(() => callback());
      else view.setTimeout(callback, 16);
    },
    now: () => view.performance.now(),
  };
}

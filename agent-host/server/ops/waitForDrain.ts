import type { Writable } from 'node:stream';

/** How a wait for 'drain' ended: drained, closed (the peer went away), or no progress for the stall time. */
export type DrainOutcome = 'drained' | 'closed' | 'stalled';

/** When a wait gives up: after `ms` in which `progress()` (a count of completed writes) did not change. */
export interface StallWatch {
  ms: number;
  progress: () => number;
}

/**
 * Resolves when a writable that reported backpressure drains, when it
 * closes, or, given a stall watch, when none of its writes completed for
 * that long. Progress is what the peer controls: a client that reads slowly
 * still lets writes complete now and then, one that stopped reading does not.
 * It is looked at every `ms`, so a stall is reported between one and two `ms`
 * after the last progress. All listeners and the timer are removed either
 * way, so long streams do not accumulate them.
 */
export function waitForDrain(stream: Writable, stall?: StallWatch): Promise<DrainOutcome> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: DrainOutcome) => {
      clearTimeout(timer);
      stream.off('drain', drained);
      stream.off('close', closed);
      stream.off('error', closed);
      resolve(outcome);
    };
    const drained = () => settle('drained');
    const closed = () => settle('closed');
    stream.on('drain', drained);
    stream.on('close', closed);
    stream.on('error', closed);
    if (!stall) return;
    let seen = stall.progress();
    const look = () => {
      const now = stall.progress();
      if (now === seen) return settle('stalled');
      seen = now;
      timer = setTimeout(look, stall.ms);
    };
    timer = setTimeout(look, stall.ms);
  });
}

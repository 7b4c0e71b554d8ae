import type { EventEmitter } from 'node:events';

/**
 * Resolves when a writable that reported backpressure drains, or when it
 * closes (the peer went away), whichever comes first. Both listeners are
 * removed either way, so long streams do not accumulate them.
 */
export function waitForDrain(stream: EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

import type { Writable } from 'node:stream';

/** A server stream as Node's `Writable` sees it: grpc-js implements `_write` only. */
type MessageWritable = Writable & {
  _write(chunk: unknown, encoding: BufferEncoding, callback: (error?: Error | null) => void): void;
  _writev?: (chunks: { chunk: unknown; encoding: BufferEncoding }[], callback: (error?: Error | null) => void) => void;
};

/**
 * Returns a `write` for a grpc-js server stream that hands the messages
 * written in one tick to HTTP/2 together.
 *
 * grpc-js's server streams implement only `_write`, so Node's `Writable`
 * passes them one message at a time and holds the next until the previous
 * one's HTTP/2 write has completed: each message of a burst became its own
 * HTTP/2 write, socket write and TLS record, the last of them waiting for all
 * the others. A turn writes in bursts (after a model reply: usage, the
 * context meter, the tool call's card, then the tool request the developer's
 * machine waits for). Corking the stream for the rest of the tick and giving
 * it a `_writev` (which passes each message of the batch through grpc-js's
 * own `_write`, in order, at once) makes a burst two HTTP/2 writes: the
 * first message, and the rest, which the HTTP/2 stream holds until that
 * first write completes. With the server's loop kept busy 2 ms per
 * iteration, the last of four messages reached the client 1.3 ms after the
 * request at the median instead of 3.4 ms; at 100 developers in
 * bench:server the server made 16 socket writes per turn instead of 21.
 *
 * `write` keeps `Writable.write`'s contract: false means wait for 'drain'.
 * `onWritten` is called as each message's HTTP/2 write completes: the
 * progress a client that reads makes possible (see waitForDrain).
 */
export function writeBatchedPerTick<T>(stream: Writable, onWritten?: () => void): (message: T) => boolean {
  const writable = stream as MessageWritable;
  if (typeof writable._writev !== 'function') {
    writable._writev = (chunks, callback) => {
      let left = chunks.length;
      let failure: Error | null | undefined;
      for (const { chunk, encoding } of chunks) {
        writable._write(chunk, encoding, (error) => {
          failure ??= error;
          if (--left === 0) callback(failure);
        });
      }
    };
  }
  let corked = false;
  const uncork = (): void => {
    corked = false;
    writable.uncork();
  };
  return (message) => {
    if (!corked) {
      corked = true;
      writable.cork();
      process.nextTick(uncork);
    }
    return writable.write(message, onWritten);
  };
}

import { constants } from 'node:http2';

/** The shape of a grpc-js server call layer this module looks into: its next layer, or the HTTP/2 stream at the bottom. */
interface CallLayer {
  call?: unknown;
  nextCall?: unknown;
  stream?: unknown;
}

interface ResettableStream {
  close(code: number): void;
  destroyed: boolean;
}

function isResettable(value: unknown): value is ResettableStream {
  return typeof value === 'object' && value !== null && typeof (value as ResettableStream).close === 'function' && 'rstCode' in value;
}

/**
 * Resets a grpc-js server call's HTTP/2 stream (RST_STREAM CANCEL), so a call
 * whose client stopped reading ends now: the client sees CANCELLED, grpc-js
 * emits 'cancelled', and the stream's buffered replies are freed.
 *
 * grpc-js has no public way to do this. Ending the call with a status waits
 * for the trailers to be written, which waits for the unread replies ahead of
 * them, forever; its own deadline handling waits the same way. This walks the
 * server call's layers (grpc-js 1.10 to 1.14: the stream object's `call`,
 * interceptors' `nextCall`, then the base call's `stream`) and returns false
 * when it finds no HTTP/2 stream, so an upgrade that moves it degrades to a
 * call that stays open (still bounded by the developer's open-turn limit)
 * instead of failing. teamServerUnreadReply.test.ts notices that.
 */
export function resetServerCall(call: object): boolean {
  let layer: unknown = (call as CallLayer).call;
  for (let depth = 0; depth < 16 && typeof layer === 'object' && layer !== null; depth++) {
    const { stream, nextCall } = layer as CallLayer;
    if (isResettable(stream)) {
      if (!stream.destroyed) stream.close(constants.NGHTTP2_CANCEL);
      return true;
    }
    layer = nextCall;
  }
  return false;
}

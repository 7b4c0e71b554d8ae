/**
 * Counts the bytes of the event an SSE stream is in, and says when one event
 * passes `maxBytes`. An event ends at an empty line; lines end with CRLF, LF
 * or CR (the HTML event-stream format).
 */
export function eventSizeCounter(maxBytes: number): (chunk: Uint8Array) => boolean {
  let size = 0;
  let atLineStart = true;
  let afterCr = false;
  return (chunk) => {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === 0x0a && afterCr) {
        afterCr = false;
        continue;
      }
      afterCr = byte === 0x0d;
      if (byte === 0x0a || byte === 0x0d) {
        if (atLineStart) size = 0;
        atLineStart = true;
      } else {
        atLineStart = false;
        if (++size > maxBytes) return true;
      }
    }
    return false;
  };
}

/**
 * A `fetch` for the MCP HTTP transports that applies the cap the stdio
 * transport applies per message, `maxBytes`: to a reply to a request (POST)
 * as a whole, and to each event of a long-lived GET event stream (the
 * Streamable HTTP transport's stream of the server's own messages, and every
 * reply of the HTTP+SSE transport, which carries them all on one stream that
 * lives for hours). The body fails with that reason as soon as the cap is
 * crossed, before the rest is buffered, and `onExceeded` is told, so the
 * connection can end the calls waiting on it instead of letting them wait for
 * their timeout.
 */
export function cappedFetch(maxBytes: number, onExceeded: (reason: string) => void, base: typeof fetch = fetch): typeof fetch {
  const reason = `it sent a reply larger than ${Math.round(maxBytes / (1024 * 1024))} MB, more than Hearth reads from an MCP server`;
  return async (input, init) => {
    const res = await base(input, init);
    const post = (init?.method ?? 'GET').toUpperCase() === 'POST';
    if (!res.body) return res;
    // Every GET is counted per event, whatever its content type says: the SDK reads any successful GET of the
    // server's URL as an event stream, so a reply labelled JSON that never ends a line would otherwise grow
    // without bound in its parser. Sign-in documents (also GETs) are one short event each, and oauthFetchGuard
    // caps them far lower.
    let seen = 0;
    const exceeds = post ? (chunk: Uint8Array) => (seen += chunk.byteLength) > maxBytes : eventSizeCounter(maxBytes);
    const capped = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          if (!exceeds(chunk)) return controller.enqueue(chunk);
          controller.error(new Error(`The MCP server ${reason}.`));
          onExceeded(reason);
        },
      }),
    );
    return new Response(capped, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

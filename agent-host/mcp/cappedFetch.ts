/**
 * A `fetch` for the MCP Streamable HTTP transport that stops reading a reply
 * to a request (POST) once it passes `maxBytes`, the cap the stdio transport
 * applies per message. The reply fails with that reason as soon as the cap is
 * crossed, before the rest is buffered, and `onExceeded` is told, so the
 * connection can end the calls waiting on it instead of letting them wait for
 * their timeout.
 */
export function cappedFetch(maxBytes: number, onExceeded: (reason: string) => void, base: typeof fetch = fetch): typeof fetch {
  const reason = `it sent a reply larger than ${Math.round(maxBytes / (1024 * 1024))} MB, more than Hearth reads from an MCP server`;
  return async (input, init) => {
    const res = await base(input, init);
    // The long-lived GET stream carries the server's own messages over hours; replies to requests are what is capped.
    if ((init?.method ?? 'GET').toUpperCase() !== 'POST' || !res.body) return res;
    let seen = 0;
    const capped = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen <= maxBytes) return controller.enqueue(chunk);
          controller.error(new Error(`The MCP server ${reason}.`));
          onExceeded(reason);
        },
      }),
    );
    return new Response(capped, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

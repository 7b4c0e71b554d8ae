/**
 * POSTs to one MCP server over HTTP that may be open at once (sent and not
 * yet answered in full). Hearth sends one POST per message: a request, a
 * notification, or its reply to a request of the server's. A careful server
 * answers each at once (a reply or a notification gets 202) or streams a
 * call's result, so a session has a few open at a time; 256 is far above
 * that and far below what a server that stops answering while it floods
 * Hearth with pings could pile up in sockets and memory (the HTTP
 * counterpart of the stdio transport's cap on unread messages).
 */
export const MAX_OPEN_POSTS = 256;

/**
 * A `fetch` that counts the POSTs open through it, each from the moment it is
 * sent until its reply's body has ended, failed or been cancelled (the SDK
 * reads or cancels every body it gets). When `max` are open, the next POST
 * fails and `onExceeded` is told once, so the connection ends the session and
 * the calls waiting on it learn why. GETs (the long-lived event stream, sign-in
 * documents) are not counted.
 */
export function openPostCap(max: number, onExceeded: (reason: string) => void, base: typeof fetch = fetch): typeof fetch {
  const reason = `it stopped answering what Hearth sends while it kept sending (${max} messages unanswered)`;
  let open = 0;
  let told = false;
  return async (input, init) => {
    if ((init?.method ?? 'GET').toUpperCase() !== 'POST') return base(input, init);
    if (open >= max) {
      if (!told) {
        told = true;
        onExceeded(reason);
      }
      throw new Error(`The MCP server ${reason}.`);
    }
    open++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      open--;
    };
    let res: Response;
    try {
      res = await base(input, init);
    } catch (err) {
      release();
      throw err;
    }
    if (!res.body) {
      release();
      return res;
    }
    const reader = res.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            release();
            controller.close();
          } else controller.enqueue(value);
        } catch (err) {
          release();
          controller.error(err);
        }
      },
      cancel(why) {
        release();
        return reader.cancel(why);
      },
    });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

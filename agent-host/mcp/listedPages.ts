import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';

/** More pages than any real listing has; a server that keeps naming another page is stopped here. */
export const MAX_LIST_PAGES = 50;

/**
 * The pages of one paginated MCP listing (`tools/list`, `prompts/list`,
 * `resources/list`, …), in order, as the server sends them. A hostile server
 * can answer every page with another cursor, at once, forever: paging on
 * would never finish what waits for the listing (the `/` and `@` lists, a
 * server's start) and would keep the language server busy. So there are at
 * most MAX_LIST_PAGES pages, `onCapped` is told when the server offered
 * more, and `timeoutMs` bounds the whole listing, not each page.
 */
export async function* listedPages<P extends { nextCursor?: string }>(
  request: (params: { cursor?: string }, options: RequestOptions) => Promise<P>,
  timeoutMs: number,
  onCapped: () => void,
): AsyncGenerator<P> {
  const signal = AbortSignal.timeout(timeoutMs);
  let cursor: string | undefined;
  for (let pages = 0; ; pages++) {
    if (pages === MAX_LIST_PAGES) {
      onCapped();
      return;
    }
    const page = await request(cursor ? { cursor } : {}, { timeout: timeoutMs, signal });
    yield page;
    cursor = page.nextCursor;
    if (!cursor) return;
  }
}

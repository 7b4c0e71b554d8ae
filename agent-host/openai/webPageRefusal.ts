import { STATUS_CODES } from 'node:http';

/** Markup at the start of a body: what a reverse proxy's or a web app's error page begins with. */
const HTML_START = /^\s*(<!--[\s\S]*?-->\s*)*<(!doctype html|html|head|body|title)\b/i;

/** A few characters of text from the page (a title, a status phrase): no markup, no control characters, one line. */
function plain(text: string, max: number): string {
  const decoded = text
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' })[e] ?? '');
  // eslint-disable-next-line no-control-regex
  return decoded.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, max);
}

/**
 * What to tell the user when an OpenAI-compatible server refused a request
 * (`res`, to `url`) with a web page instead of OpenAI's JSON error (a reverse
 * proxy's 502 page while the model server behind it is down, or a web app on
 * that port): the origin, the status and the page's title, never its markup,
 * which would otherwise fill the chat. Undefined when `body` is not a page.
 */
export function webPageRefusal(url: string, res: Pick<Response, 'status' | 'statusText' | 'headers'>, body: string): string | undefined {
  const type = res.headers.get('content-type') ?? '';
  if (!/^\s*(text\/html|application\/xhtml\+xml)\b/i.test(type) && !HTML_START.test(body)) return undefined;
  const title = plain(/<title[^>]*>([\s\S]*?)<\/title>/i.exec(body)?.[1] ?? '', 100);
  const phrase = plain(res.statusText || STATUS_CODES[res.status] || '', 60);
  return (
    `the server at ${new URL(url).origin} answered ${res.status}${phrase ? ` ${phrase}` : ''} with a web page (not an OpenAI-compatible error)` +
    `${title ? ` titled "${title}"` : ''}; if a proxy stands in front of the model server, check that the server behind it is running.`
  );
}

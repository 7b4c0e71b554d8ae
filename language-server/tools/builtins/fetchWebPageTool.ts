import { isWebPageMention } from '../../../protocol/chat';
import { stringArg } from '../toolArguments';
import type { ToolContext, ToolOutcome } from '../toolContext';
import { isLocalHost } from '../../chat/isLocalHost';
import { describeProxy, type HttpProxy } from '../../net/httpProxy';
import { refused, ToolError } from '../toolError';

/** The longest address asked about: a longer one is more likely carrying data out than naming a page. */
const MAX_URL_CHARS = 2048;

/**
 * fetch_web_page: reads a web page for the model, with the reader of
 * `@https://…` mentions (no cookies, 20 s, 5 MB, HTML as Markdown, the
 * user's proxy). Whoever controls the model's input (a page, a file in a
 * hostile repository) may try to send workspace text out inside an address,
 * so every address is shown to the user in full, with the server it goes to,
 * and fetched only once they allow it: there is no "always allow". Nothing,
 * not even the name's DNS lookup, happens before that. Pages on this machine
 * or the local network get a warning on the card: by name at once, or, when
 * the allowed name resolves to such an address, on a second card that shows
 * it (the fetch then connects to that address); a redirect to another server
 * is not followed. Not offered in an untrusted
 * workspace.
 */
export async function fetchWebPageTool(ctx: ToolContext, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
  // A workspace the user has not trusted is the likeliest author of instructions to send its text somewhere.
  if (!ctx.policy.trusted) {
    throw refused('fetch_web_page is not available: this workspace is not trusted (VS Code Workspace Trust). Tell the user that trusting the workspace enables it.');
  }
  if (!ctx.webPages) {
    throw new ToolError('Fetching web pages is turned off (the hearth.chat.fetchWebPages setting). Answer from what you know, or ask the user for the page.', 'unavailable');
  }
  const raw = stringArg(args, 'url').trim();
  if (!isWebPageMention(raw) || !URL.canParse(raw)) throw new ToolError(`"url" must be a full http:// or https:// address; got ${JSON.stringify(raw.slice(0, 200))}.`, 'bad arguments');
  if (raw.length > MAX_URL_CHARS) throw new ToolError(`The address is ${raw.length} characters long; give the page's address (at most ${MAX_URL_CHARS}), nothing more.`, 'bad arguments');
  const url = new URL(raw);
  if (url.username || url.password) throw new ToolError('Addresses with a user name or password are not fetched. Give the page\'s address without them.', 'bad arguments');
  let proxy: HttpProxy | undefined;
  try {
    proxy = await ctx.webPages.proxyFor(url);
  } catch (e) {
    throw new ToolError(`${url.href} was not fetched: ${(e as Error).message}. Tell the user.`, 'proxy setting');
  }
  // Asked before anything about the address leaves this machine: looking a name up already sends it to
  // DNS servers, and a name such as <workspace text>.attacker.example would carry data out unasked.
  const rejected = await askToFetch(ctx, url, proxy, undefined, signal);
  if (rejected) return rejected;
  // Resolved once, after the user allowed the address: a name that points into the local network is asked
  // about again, with that address, and the fetch connects to the address resolved here, so a name that
  // resolves elsewhere a moment later (DNS rebinding) changes nothing. Through a proxy the proxy resolves
  // the name, so only the name itself can be judged.
  let pinned: { address: string; family: number } | undefined;
  if (!proxy) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    try {
      pinned = await ctx.webPages.resolve(host);
    } catch (e) {
      throw new ToolError(`${url.href} was not fetched: the host ${host} could not be found (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, 'fetch failed');
    }
    if (pinned.address !== host && isLocalHost(pinned.address) && !isLocalHost(url.hostname)) {
      const again = await askToFetch(ctx, url, proxy, pinned.address, signal);
      if (again) return again;
    }
  }
  let text: string;
  try {
    text = await ctx.webPages.read(url.href, signal, proxy ? { proxy } : { pinnedAddress: pinned });
  } catch (e) {
    if (signal.aborted) throw new ToolError('The turn was cancelled while the page was read.', 'cancelled');
    const message = (e as Error).message;
    // The user approved one server: another one needs its own approval, so the model is told to ask for it by name.
    const elsewhere = /redirects to .*, on another server/.test(message) ? ' If that page is what you need, call fetch_web_page with its address; the user is asked again.' : '';
    throw new ToolError(`${url.href} could not be read: ${message}.${elsewhere}`, 'fetch failed');
  }
  const max = ctx.policy.maxOutputBytes;
  const cut = Buffer.byteLength(text) > max;
  return {
    content: cut ? `${Buffer.from(text).subarray(0, max).toString('utf8').replace(/\uFFFD$/, '')}\n[cut at ${max} bytes; the page goes on]` : text,
    summary: `read ${url.host}`,
  };
}


/** Shows the address (and, when known, the local address its name leads to); a rejection to return, or undefined when the user allowed it. */
async function askToFetch(ctx: ToolContext, url: URL, proxy: HttpProxy | undefined, resolvesTo: string | undefined, signal: AbortSignal): Promise<ToolOutcome | undefined> {
  let decision: unknown;
  try {
    decision = await ctx.approvals.approveWebPage(
      { callId: ctx.callId, toolName: ctx.toolName, url: url.href, host: url.host, local: isLocalHost(url.hostname) || resolvesTo !== undefined, ...(resolvesTo ? { resolvesTo } : {}), ...(proxy ? { via: describeProxy(proxy) } : {}) },
      signal,
    );
  } catch (e) {
    if (signal.aborted) throw new ToolError('The turn was cancelled while the fetch was waiting for approval. Nothing was fetched.', 'cancelled');
    throw new ToolError(`Fetching ${url.href} needs the user's approval, which could not be asked (${(e as Error).message}). Nothing was fetched.`, 'approval failed');
  }
  if (signal.aborted) throw new ToolError('The turn was cancelled while the fetch was waiting for approval. Nothing was fetched.', 'cancelled');
  if (decision === 'accept') return undefined;
  return {
    isError: true,
    summary: 'fetch rejected by user',
    content: `The user did not allow fetching ${url.href}${resolvesTo ? ` (its name leads to ${resolvesTo}, on this machine or the local network)` : ''}. Nothing was fetched. Do not try to reach it another way (run_command, another address); continue without it or ask the user.`,
  };
}

import type { Dispatcher } from 'undici';

/**
 * The `fetch` for model servers reached directly (Ollama, and the
 * OpenAI-compatible providers), without the 300 s deadlines Node's fetch
 * puts on a response's headers and on each wait between body chunks.
 * Ollama sends no headers until the first token (routes.go ChatHandler
 * schedules the runner and evaluates the prompt first), so a model that
 * takes over five minutes to load, or a long prompt on a CPU, was reported
 * as "could not reach Ollama" although it was working. A model request
 * has one deadline, the user's Stop (the turn's signal), and the load is
 * shown as progress meanwhile. A server that goes away still fails the
 * request at once: the connection closes. undici is loaded on first use,
 * as for proxies (outgoingProxies.ts), so the language server's start does
 * not pay for it.
 */
export function modelServerFetch(): typeof fetch {
  let sending: Promise<(input: string | URL | Request, init?: RequestInit) => Promise<Response>> | undefined;
  const load = async () => {
    const undici = await import('undici');
    const dispatcher: Dispatcher = new undici.Agent({ headersTimeout: 0, bodyTimeout: 0 });
    return async (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
      (await undici.fetch(input as never, { ...(init as object), dispatcher })) as unknown as Response;
  };
  return (async (input: string | URL | Request, init?: RequestInit) => (await (sending ??= load()))(input, init)) as typeof fetch;
}

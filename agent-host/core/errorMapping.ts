import type { HearthError } from '../../protocol/chat';

/**
 * What went wrong talking to Ollama, decided from the shapes the `ollama`
 * client and Node's fetch (undici) actually produce:
 * - `ResponseError` with `status_code`: Ollama answered with an HTTP error;
 * - `TypeError: fetch failed` with a `cause`: no HTTP response at all;
 * - `TypeError: terminated`: the body stopped mid-stream (socket closed);
 * - a plain Error: Ollama sent `{"error": ...}` inside the stream.
 */
export type OllamaFailure =
  | { kind: 'aborted' }
  | { kind: 'unreachable'; detail: string }
  /**
   * `unfinished`: the body ended cleanly but without a `done` object (no socket error).
   * `oversized`: Hearth stopped reading at a line past the bound (agent-host/core/streamLines.ts).
   */
  | { kind: 'dropped'; detail: string; unfinished?: boolean; oversized?: boolean }
  | { kind: 'http'; status: number; message: string }
  | { kind: 'other'; message: string };

/** Connection errors that mean "nothing is listening there" rather than "it broke while talking". */
const UNREACHABLE_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  ERR_INVALID_URL: 'invalid URL',
};

const DROPPED_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED']);

function causeOf(err: unknown): { code?: string; message?: string } | undefined {
  const cause = (err as { cause?: unknown })?.cause;
  if (typeof cause !== 'object' || cause === null) return undefined;
  const c = cause as { code?: unknown; message?: unknown; errors?: unknown };
  // Happy-eyeballs connections fail with an AggregateError holding one error per address.
  if (Array.isArray(c.errors) && c.errors.length > 0 && typeof c.code !== 'string') return causeOf({ cause: c.errors[0] });
  return { code: typeof c.code === 'string' ? c.code : undefined, message: typeof c.message === 'string' ? c.message : undefined };
}

export function classifyFailure(err: unknown): OllamaFailure {
  const e = err as { name?: unknown; message?: unknown; status_code?: unknown } | undefined;
  const name = typeof e?.name === 'string' ? e.name : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (name === 'AbortError' || name === 'TimeoutError') return { kind: 'aborted' };
  if (name === 'ResponseError' && typeof e?.status_code === 'number') return { kind: 'http', status: e.status_code, message };
  const cause = causeOf(err);
  // Named, not imported: the core does not depend on the stream readers.
  if (name === 'StreamLineTooLong') return { kind: 'dropped', detail: message, oversized: true };
  if (message.startsWith('Did not receive done')) return { kind: 'dropped', detail: 'the stream ended early', unfinished: true };
  if (message === 'terminated') {
    return { kind: 'dropped', detail: cause?.message ?? 'the stream ended early' };
  }
  if (message === 'fetch failed' || cause?.code) {
    if (cause?.code && DROPPED_CODES.has(cause.code)) return { kind: 'dropped', detail: cause.message ?? cause.code };
    const detail = (cause?.code && UNREACHABLE_CODES[cause.code]) ?? cause?.message ?? message;
    return { kind: 'unreachable', detail };
  }
  return { kind: 'other', message };
}

/**
 * A model server other than the default Ollama: a provider of
 * `hearth.providers`. Errors about its models name it and its URL, and say
 * how to fix that provider rather than Ollama.
 */
export interface ProviderServer {
  /** The provider's name in `hearth.providers`. */
  name: string;
  kind: 'ollama' | 'openai';
  /** Its base URL as configured. */
  host: string;
}

function describeProvider(server: ProviderServer): string {
  return server.kind === 'openai' ? `the OpenAI-compatible provider "${server.name}"` : `the Ollama provider "${server.name}"`;
}

export function unreachableError(host: string, detail: string, provider?: ProviderServer): HearthError {
  if (provider) {
    return {
      code: 'providerUnreachable',
      message:
        `Hearth could not reach ${describeProvider(provider)} at ${provider.host} (${detail}). ` +
        `Start that server (LM Studio's local server, \`llama-server\`, vLLM, Ollama), or correct its \`baseUrl\` in the \`hearth.providers\` setting.`,
      host: provider.host,
      retryable: true,
    };
  }
  return {
    code: 'ollamaUnreachable',
    message:
      `Hearth could not reach Ollama at ${host} (${detail}). ` +
      'Start Ollama with `ollama serve` (or open the Ollama app), or set the `hearth.ollama.host` setting to the URL where Ollama runs.',
    host,
    retryable: true,
  };
}

/**
 * The title of the web page a server answered with instead of Ollama's JSON
 * ('' for a page without one), or undefined when `message` (a refusal's body,
 * or the client's JSON error on a 200 body) is not a web page. A page means
 * something other than Ollama answers at that URL: a web app on the port, or
 * a proxy's error page for an Ollama behind it that is down.
 */
export function webPageTitle(message: string): string | undefined {
  const html = /^\s*<(!doctype html|html|head|body)\b/i.test(message);
  // The client parsing an HTML body with status 200: "Unexpected token '<', "<!doctype "... is not valid JSON".
  if (!html && !/^Unexpected token '<'.*is not valid JSON/.test(message)) return undefined;
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(message)?.[1];
  return title?.replace(/\s+/g, ' ').trim().slice(0, 100) ?? '';
}

/** `hearth.ollama.host` reaches a server that is not Ollama (see `webPageTitle`). */
export function notOllamaError(host: string, title: string, status?: number): HearthError {
  const seen = [status === undefined ? '' : `HTTP ${status}`, title ? `"${title}"` : ''].filter(Boolean).join(', ');
  return {
    code: 'ollamaUnreachable',
    message:
      `The server at ${host} answered with a web page${seen ? ` (${seen})` : ''}, not Ollama's API. ` +
      'Set the `hearth.ollama.host` setting to the URL where Ollama runs (Ollama listens on http://127.0.0.1:11434 unless OLLAMA_HOST says otherwise), ' +
      'or, if a proxy stands in front of Ollama, check that Ollama behind it is running.',
    host,
    retryable: true,
  };
}

/**
 * True for the answer of a server without the route Hearth called: Ollama's
 * router (gin, server/routes.go `GenerateRoutes`) answers a path it has no
 * handler for with the plain text "404 page not found", never with its JSON
 * `{"error": …}`. That is an Ollama older than the route (no /api/embed
 * before 0.2.6), or not Ollama; a missing model is a JSON 404 naming it.
 */
export function isMissingRoute(status: number | undefined, message: string): boolean {
  return status === 404 && message.trim() === '404 page not found';
}

/**
 * True for a FastAPI server's answer to a path it has no route for: `{"detail": "Not Found"}` with 404 (vLLM's and
 * SGLang's HTTP servers are FastAPI apps), which the OpenAI adapter turns into its text. A missing model is a 404
 * that names it ("The model `x` does not exist."), never the bare words.
 */
export function isMissingProviderRoute(status: number | undefined, message: string): boolean {
  return status === 404 && /^not found\.?$/i.test(message.trim());
}

/** A provider that has no OpenAI-compatible chat route where Hearth called it: the `baseUrl` is wrong, not the model. */
export function providerMissingRouteError(provider: ProviderServer, model: string): HearthError {
  return {
    code: 'modelError',
    message:
      `${describeProvider(provider).replace(/^the/, 'The')} at ${provider.host} answered "Not Found" for its chat route: there is no OpenAI-compatible API at that address, so its \`baseUrl\` points at the wrong place or at another kind of server. ` +
      'Correct the `baseUrl` in the `hearth.providers` setting to the address the server prints when it starts (for vLLM and SGLang, http://host:port), then press Retry.',
    host: provider.host,
    model,
    retryable: true,
  };
}

/** An Ollama without the API route Hearth called (see `isMissingRoute`): updating it helps, pulling a model does not. */
export function ollamaTooOldError(host: string, model: string): HearthError {
  return {
    code: 'modelError',
    message:
      `Ollama at ${host} answered "404 page not found": it does not have the API Hearth uses, so it is an Ollama too old for Hearth, or not Ollama. ` +
      'Update Ollama (https://ollama.com/download), or set the `hearth.ollama.host` setting to the URL of a current Ollama.',
    host,
    model,
    retryable: true,
  };
}

/**
 * How many model names a "not available" message names, and offers as buttons. A server's list has no bound of its
 * own (a hostile or broken provider can list 100,000 models), and the message is shown in the chat and stored with
 * the session; the model picker lists them all.
 */
const NAMED_MODELS_MAX = 30;

/** Up to NAMED_MODELS_MAX names joined, and a count of the rest. */
function nameSome(models: string[]): string {
  const named = models.slice(0, NAMED_MODELS_MAX).join(', ');
  const rest = models.length - NAMED_MODELS_MAX;
  return rest > 0 ? `${named} and ${rest.toLocaleString('en-US')} more (the model picker lists them all)` : named;
}

export function modelNotFoundError(host: string, model: string, listed: string[] | undefined, provider?: ProviderServer): HearthError {
  const installed = listed?.slice(0, NAMED_MODELS_MAX);
  if (provider) {
    const offered = listed === undefined ? '' : listed.length === 0 ? ' It offers no models.' : ` It offers: ${nameSome(listed)}.`;
    return {
      code: 'modelNotFound',
      message: `The model "${model}" is not available on ${describeProvider(provider)} at ${provider.host}.${offered} Load the model there, or pick another one in the model picker.`,
      host: provider.host,
      model,
      installedModels: installed,
      retryable: true,
    };
  }
  const choices =
    installed === undefined
      ? ''
      : installed.length === 0
        ? ' No models are installed yet.'
        : ` Installed models: ${nameSome(listed ?? installed)}. Pick one of them in the model picker or the \`hearth.chat.model\` setting, or`;
  const pull = installed !== undefined && installed.length > 0 ? ` install it with \`ollama pull ${model}\`.` : ` Install it with \`ollama pull ${model}\`.`;
  return {
    code: 'modelNotFound',
    message: `The model "${model}" is not installed in Ollama at ${host}.${choices}${pull}`,
    host,
    model,
    installedModels: installed,
    pullable: true,
    // After a pull (or picking another model) the same message can be resent.
    retryable: true,
  };
}

/**
 * What a dropped connection's message tells a chat user: the chat keeps what
 * streamed. A caller that keeps nothing of a failed answer (an editor action)
 * says its own sentence instead of this one (see EditActionService).
 */
export const PARTIAL_ANSWER_KEPT = 'The partial answer is kept; press Retry to ask again.';

export function connectionDroppedError(host: string, model: string, detail: string, provider?: ProviderServer): HearthError {
  const where = provider ? `${describeProvider(provider)} at ${provider.host}` : `Ollama at ${host}`;
  return {
    code: 'connectionDropped',
    message:
      `The connection to ${where} closed before ${model} finished answering (${detail}). ` +
      `${PARTIAL_ANSWER_KEPT} If it keeps happening, check ${provider ? "that server's" : 'the Ollama'} logs: the model may have crashed or run out of memory.`,
    host: provider?.host ?? host,
    model,
    retryable: true,
  };
}

/**
 * A model server sent a line of its stream that did not end within the
 * bound (agent-host/core/streamLines.ts), so Hearth stopped reading the
 * answer there rather than hold an ever longer string: a working server ends
 * every line (one chunk of text or of a tool call) within kilobytes.
 */
export function oversizedLineError(host: string, model: string, detail: string, provider?: ProviderServer): HearthError {
  const where = provider ? `${describeProvider(provider)} at ${provider.host}` : `Ollama at ${host}`;
  return {
    code: 'modelError',
    message:
      `${where.replace(/^the/, 'The')} sent a line of ${model}'s answer that did not end, so Hearth stopped reading the answer there (${detail}). ` +
      `${PARTIAL_ANSWER_KEPT} If it keeps happening, that server is broken or is not what it claims to be: check its logs and version.`,
    host: provider?.host ?? host,
    model,
    retryable: true,
  };
}

/**
 * Ollama ended a reply cleanly but without its `done` object: its completion
 * path stops a model that passes the same token more than 30 times in a row
 * and returns no error (llm/llama_server.go `llamaServerRunner.Completion`),
 * so the stream just ends. Nothing crashed; the model was looping (or a
 * proxy in front of Ollama ended the response at its timeout).
 */
export function unfinishedReplyError(host: string, model: string): HearthError {
  return {
    code: 'connectionDropped',
    message:
      `Ollama at ${host} ended ${model}'s answer before it finished, without an error: Ollama does this when a model repeats the same word or symbol over and over (more than 30 times in a row), and so does a proxy in front of it that gives up on long answers. ` +
      `${PARTIAL_ANSWER_KEPT} Rewording the request, or another model, usually gets past the loop.`,
    host,
    model,
    retryable: true,
  };
}

/**
 * Ollama's own answers about its cloud models (server/routes.go `ChatHandler`, `GenerateHandler`: a model with a
 * remote host is passed to ollama.com): 401 "unauthorized" when that Ollama is not signed in to ollama.com, and 403
 * "ollama cloud is disabled: …" when its owner turned cloud models off (OLLAMA_NO_CLOUD or its settings). Ollama
 * itself asks for no login, so a bare "unauthorized" is always this; a proxy's login page is a web page
 * (webPageTitle) or its own text.
 */
export function cloudModelError(host: string, model: string, status: number, ollamaMessage: string): HearthError | undefined {
  if (status === 401 && ollamaMessage.trim() === 'unauthorized') {
    return {
      code: 'modelError',
      message:
        `${model} is an Ollama cloud model: it runs on ollama.com, and the Ollama at ${host} is not signed in there. ` +
        'Run `ollama signin` on the machine Ollama runs on (it opens the sign-in page), then send your message again, or pick a local model.',
      host,
      model,
      retryable: true,
    };
  }
  if (status === 403 && /^ollama cloud is disabled/i.test(ollamaMessage.trim())) {
    return {
      code: 'modelError',
      message:
        `${model} is an Ollama cloud model, and the Ollama at ${host} has cloud models turned off (OLLAMA_NO_CLOUD, or its settings). ` +
        'Pick a local model, or turn cloud models back on where Ollama runs.',
      host,
      model,
      retryable: false,
    };
  }
  return undefined;
}

/** True for Ollama's 400 "invalid model name" (routes.go `writeModelRefParseError`: the name does not parse as host/namespace/model:tag). */
export function isInvalidModelName(status: number, message: string): boolean {
  return status === 400 && message.trim().toLowerCase() === 'invalid model name';
}

/**
 * A model name Ollama cannot parse ("llama 3.2", "qwen2.5:7b:extra"): no
 * such model can exist, so pulling it is not offered; the installed models
 * are, as for a missing one, because picking one of them is the fix.
 */
export function invalidModelNameError(host: string, model: string, listed: string[] | undefined): HearthError {
  const installed = listed?.slice(0, NAMED_MODELS_MAX);
  const choices = installed === undefined || installed.length === 0 ? '' : ` Installed models: ${nameSome(listed ?? installed)}.`;
  return {
    code: 'modelNotFound',
    message:
      `"${model}" is not a valid model name, so Ollama at ${host} refused it ("invalid model name"). ` +
      `A model name is letters, digits, ".", "-" and "_", optionally with a ":tag" and a "namespace/" in front (for example qwen2.5-coder:7b), with no spaces.${choices} ` +
      // The chat and inline completions both end here, so the advice names no one setting.
      'Pick an installed model, or correct the model name in your Hearth settings.',
    host,
    model,
    installedModels: installed,
    // The same name is refused again; the installed models' buttons retry with another.
    retryable: false,
  };
}

/** A wait the user can read: "20 seconds", "3 minutes", "2 hours". */
export function formatWait(seconds: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds < 120) return plural(Math.max(1, Math.round(seconds)), 'second');
  if (seconds < 2 * 3600) return plural(Math.round(seconds / 60), 'minute');
  return plural(Math.round(seconds / 3600), 'hour');
}

/**
 * The seconds an HTTP `Retry-After` header asks to wait (a number of seconds, or an HTTP date), or undefined
 * when there is none, it does not parse, or it asks for more than a day: a number from a broken or hostile
 * server is not worth repeating to the user.
 */
export function retryAfterSeconds(header: string | null | undefined, now = Date.now()): number | undefined {
  const value = header?.trim() ?? '';
  if (value === '') return undefined;
  const seconds = /^\d+$/.test(value) ? Number(value) : (Date.parse(value) - now) / 1000;
  return Number.isFinite(seconds) && seconds <= 24 * 3600 ? Math.max(0, seconds) : undefined;
}

/**
 * An OpenAI-compatible provider's refusal that the user, not the model, has to act on: 401 and 403 (the server
 * wants an API key, another one, or one that may use this model: vLLM's and llama-server's `--api-key`, a
 * proxy, a hosted API) and 429 (a rate limit or a used-up quota). A plain "reported an error (HTTP 401)" left
 * the user guessing, and Retry was not offered though it succeeds once the key is set or the limit passes.
 * 503 (overloaded or still loading) likewise says how long the server asked to wait, from its Retry-After.
 * Undefined for any other status.
 */
export function providerRefusedError(provider: ProviderServer, model: string, status: number, serverMessage: string, retryAfter?: number): HearthError | undefined {
  const who = `${describeProvider(provider).replace(/^the/, 'The')} at ${provider.host}`;
  const said = serverMessage.trim().replace(/[.\s]+$/, '');
  const quoted = said === '' ? '' : `: ${said}`;
  const setKey = `"Hearth: Set Provider API Key" for "${provider.name}"`;
  let message: string;
  if (status === 401) {
    message =
      `${who} refused ${model} (HTTP 401)${quoted}. It wants an API key, or another one than Hearth sent: run ${setKey} and enter the key ` +
      "that server expects (vLLM's or llama-server's --api-key, or the key of the proxy or service in front of it), then press Retry.";
  } else if (status === 403) {
    message = `${who} refused ${model} (HTTP 403)${quoted}. Its API key may not use this model: check the key with ${setKey}, or pick another model, then press Retry.`;
  } else if (status === 429 && /quota|billing|credit/i.test(said)) {
    message = `${who} refused ${model} (HTTP 429)${quoted}. The account behind its API key has used up its quota: check that account's plan and billing, or pick another model.`;
  } else if (status === 429) {
    const wait = retryAfter === undefined ? 'a moment' : formatWait(retryAfter);
    message = `${who} is limiting requests (HTTP 429)${quoted}. Wait ${wait}, then press Retry, or pick another model.`;
  } else if (status === 503) {
    // vLLM and SGLang answer 503 while overloaded or still loading; a gateway in front of them says how long with Retry-After.
    const when = retryAfter === undefined ? 'Wait a moment, then press Retry' : `It asked to be retried in ${formatWait(retryAfter)}: wait that long, then press Retry`;
    message = `${who} is busy or not ready (HTTP 503)${quoted}. ${when}, or pick another model.`;
  } else {
    return undefined;
  }
  return { code: 'modelError', message, host: provider.host, model, retryable: true };
}

export function modelError(host: string, model: string, ollamaMessage: string, status?: number, provider?: ProviderServer): HearthError {
  const where = status === undefined ? '' : ` (HTTP ${status})`;
  const who = provider ? `${describeProvider(provider).replace(/^the/, 'The')} at ${provider.host}` : 'Ollama';
  return {
    code: 'modelError',
    message: `${who} reported an error for ${model}${where}: ${ollamaMessage}`,
    host: provider?.host ?? host,
    model,
    // Server-side failures (a crashed runner, out of memory) can pass; a refused request will be refused again.
    retryable: status === undefined || status >= 500,
  };
}

export function internalError(err: unknown): HearthError {
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: `Hearth hit an unexpected error: ${message}. Please report it with the Hearth log attached.`, retryable: true };
}

/**
 * Ollama's 400 for a prompt longer than the runner's context window, or
 * undefined for any other failure. With `truncate: false` it is
 * llama-server's refusal passed on as it is ("request (5210 tokens) exceeds
 * the available context size (4096 tokens), try increasing it", inside its
 * JSON body: llm/llama_server.go `statusErrorMessage`); without context
 * shift it is Ollama's own "the prompt is longer than the context length
 * …". An OpenAI-compatible provider's refusal of the same kind counts too
 * (vLLM's, OpenAI's: see below). `promptTokens` is the size the server
 * counted, when it said.
 */
export function contextOverflow(err: unknown): { promptTokens?: number } | undefined {
  const failure = classifyFailure(err);
  if (failure.kind !== 'http' || failure.status !== 400) return undefined;
  // The last pattern is an OpenAI-compatible provider's: vLLM's "This model's maximum context length is 2048 tokens.
  // However, your request has 2409 input tokens" (vllm/entrypoints/openai/serving_engine.py `_validate_input`, also
  // "(1900 in the messages, 500 in the completion)" when max_tokens is set) and OpenAI's "your messages resulted in
  // 9000 tokens". Unrecognised, a vLLM user got the raw 400 where Ollama's user gets the conversation fitted again.
  if (!/exceeds the available context size|prompt is longer than the context length|input length exceeds the context length|maximum context length is \d+ tokens/i.test(failure.message)) return undefined;
  const counted = /request \((\d+) tokens\)|request has (\d+) input tokens|\((\d+) in the messages|messages resulted in (\d+) tokens/.exec(failure.message);
  const tokens = counted?.slice(1).find((n) => n !== undefined);
  return tokens !== undefined ? { promptTokens: Number(tokens) } : {};
}

/** True for Ollama's 400 "<model> does not support tools". */
export function isToolsUnsupported(err: unknown): boolean {
  const failure = classifyFailure(err);
  return failure.kind === 'http' && failure.status === 400 && /does not support tools/i.test(failure.message);
}

/** True for Ollama's 400 `"<model>" does not support thinking` (routes.go ChatHandler, before the model loads). */
export function isThinkingUnsupported(err: unknown): boolean {
  const failure = classifyFailure(err);
  return failure.kind === 'http' && failure.status === 400 && /does not support thinking/i.test(failure.message);
}

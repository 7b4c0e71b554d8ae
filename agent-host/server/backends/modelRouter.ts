/**
 * The team server's path from the agent core to the GPUs, in process. The
 * agent core and the completion path speak Ollama's API through the `ollama`
 * client; the team server hands them `fetchFor(user, kind)` as that client's
 * `fetch`, so each model request is answered here: it waits for a GPU slot
 * from the scheduler, goes to the least-loaded backend that has the model
 * (translated for OpenAI-compatible backends), and frees the slot the moment
 * the reply ends or the caller goes away. Scheduling per model request (not
 * per turn) means a slot is never held while a developer's machine runs a
 * tool.
 *
 * A model request makes exactly one HTTP request, to the backend, and its
 * reply streams through to the `ollama` client's parser untouched: no
 * loopback hop, no re-encoding, no WHATWG streams.
 */
import type { IncomingMessage } from 'node:http';
import { leanHttpFetch, openRequest } from '../../completion/leanHttpFetch';
import { jsonReply, LeanBody, LeanReply } from '../../completion/leanReply';
import type { Logger } from '../ops/logger';
import type { ServerMetrics } from '../ops/serverMetrics';
import type { Scheduler, Slot, WorkKind } from '../scheduler/scheduler';
import { NoBackendError, QueueAbortedError, QueueFullError } from '../scheduler/schedulerErrors';
import type { Backend, BackendPool } from './backendPool';
import { DONE_MARKER, finalChunkStats } from './finalChunkStats';
import { openAiShow, type OpenAiHttpError, type StreamStats } from '../../openai/openAiAdapter';
import { openAiReply } from '../../openai/openAiReply';
import { ModelResponseError, type ModelStream, type ModelStreamer } from '../../core/modelStream';
import { formatWait, retryAfterSeconds } from '../../core/errorMapping';
import { NdjsonModelStream, type ReplyHooks } from './ndjsonModelStream';
import { streamResponse } from './streamResponse';
import type { RestingReads } from './paceReads';

/** The `host` the agent core is given; it appears in error texts, so it names the server, not a socket. */
export const ROUTER_HOST = 'http://team-server';

export interface ModelRouterDeps {
  pool: BackendPool;
  scheduler: Scheduler;
  metrics: ServerMetrics;
  logger: Logger;
  /**
   * How long a chat reply's socket may rest between reads while its text
   * streams (the delta coalescing window: text goes out no more often).
   * Absent: every read as it comes. Reads never rest while a request waits
   * for a slot (see `createModelRouter`).
   */
  readPaceMs?: () => number;
}

export interface ModelRouter {
  /** A `fetch` for the `ollama` client whose model requests are scheduled as `user`'s `kind` of work. */
  fetchFor(user: string, kind: WorkKind): typeof fetch;
  /** The agent core's direct transport for streaming chat and generate, scheduled as `user`'s `kind` of work. */
  streamFor(user: string, kind: WorkKind): ModelStreamer;
}

type Json = Record<string, unknown>;

function abortError(): Error {
  return new DOMException('This operation was aborted', 'AbortError');
}

const LEADING_MODEL = /^\{"model":("(?:[^"\\]|\\.)*")[,}]/;

/**
 * The model a request names. The agent core and the completer write `model`
 * first, so it is read from the start of the body without parsing the rest
 * (the conversation and the tool schemas, kilobytes per request, which an
 * Ollama backend reads itself); any other shape is parsed whole.
 */
export function modelOf(raw: string): { model: string; parsed?: Json } {
  const leading = LEADING_MODEL.exec(raw);
  if (leading) return { model: JSON.parse(leading[1]) as string };
  const parsed = JSON.parse(raw) as Json;
  return { model: typeof parsed.model === 'string' ? parsed.model : '', parsed };
}

const numberOf = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0);

/** The text the `ollama` client puts in a refusal: the body's `error` field, else the body, else the status line. */
async function errorText(body: Promise<string>, status: number, statusText: string): Promise<string> {
  const text = await body.catch(() => '');
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed?.error === 'string' && parsed.error) return parsed.error;
  } catch {
    // Not JSON: the text itself, as the client shows it.
  }
  return text || `Error ${status}: ${statusText}`;
}

/** A whole (error) body, at most 64 KB of it. */
function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (t: string) => {
      if (text.length < 65_536) text += t;
    });
    res.on('end', () => resolve(text));
    res.on('error', () => resolve(text));
  });
}

/** Feeds a translated (OpenAI-compatible) reply's bytes into `stream`. */
async function pump(reader: ReturnType<LeanReply['body']['getReader']>, stream: NdjsonModelStream, signal: AbortSignal | undefined): Promise<void> {
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || !value) break;
      stream.write(decoder.decode(value, { stream: true }));
    }
    stream.write(decoder.decode());
    stream.end();
  } catch (err) {
    stream.fail(signal?.aborted ? abortError() : (err as Error));
  }
}

/** An Ollama backend's API endpoint. */
function backendUrl(backend: Backend, endpoint: string): string {
  return `${backend.config.url.replace(/\/+$/, '')}/api/${endpoint}`;
}

function requestBody(init: RequestInit | undefined): string {
  return typeof init?.body === 'string' ? init.body : '';
}

export function createModelRouter(deps: ModelRouterDeps): ModelRouter {
  const { pool, scheduler, metrics, logger } = deps;
  const ollamaFetch = leanHttpFetch();
  // A resting reply is only read again when its rest ends, final chunk
  // included, and its slot is freed when that chunk is read: a rest can keep
  // a slot the backend has already finished with for a whole window. Resting
  // saves this server's CPU; it is not worth a GPU slot someone waits for, so
  // no reply rests while a request waits, and a request that starts to wait
  // ends every rest under way.
  const pace = deps.readPaceMs;
  const readPaceMs = pace && ((): number => (scheduler.queued > 0 ? 0 : pace()));
  const resting: RestingReads = new Set();

  async function backendFor(model: string): Promise<Backend | undefined> {
    await pool.ensureFresh(30_000);
    let found = pool.backends.find((b) => pool.hasModel(b.id, model));
    if (!found) {
      // A model pulled a moment ago should not wait for the next background refresh.
      await pool.ensureFresh(5_000);
      found = pool.backends.find((b) => pool.hasModel(b.id, model));
    }
    return found;
  }

  /**
   * Wraps a backend's streaming reply so the slot is freed when it ends,
   * fails or is cancelled, and the metrics see its first byte and its final
   * token counts. The bytes themselves pass through untouched.
   *
   * The `ollama` client stops reading at the line with `"done":true` and
   * never asks for the end of the body, so the reply counts as finished at
   * that line (the raw bytes `"done":true` cannot occur inside a JSON string,
   * where quotes are escaped). The rest of the body is then read here, so the
   * backend's keep-alive connection goes back to the pool.
   */
  function metered(reply: LeanReply, backend: Backend, kind: WorkKind, slot: Slot, started: number, signal: AbortSignal | undefined): LeanReply {
    let first = true;
    let previous: Uint8Array | undefined;
    let last: Uint8Array | undefined;
    let finished = false;
    let sawDone = false;
    let drained: Promise<void> | undefined;
    const rest: Uint8Array[] = [];
    const finish = () => {
      if (finished) return;
      finished = true;
      signal?.removeEventListener('abort', finish);
      release({ slot, backend, started }, kind, finalChunkStats(previous, last));
    };
    // A caller that walks away without reading to the end still frees the slot.
    signal?.addEventListener('abort', finish, { once: true });
    const reader = reply.body.getReader();
    const drain = async () => {
      try {
        for (let kept = 0; ; ) {
          const { done, value } = await reader.read();
          if (done || !value) return;
          // Nothing of use follows the final line; keep a little for a reader that still asks.
          if (kept < 65_536) rest.push(value);
          kept += value.length;
        }
      } catch {
        // The reply is complete; a connection that fails now costs nothing.
      }
    };
    const pull = async (): Promise<Uint8Array | undefined> => {
      if (drained) {
        await drained;
        return rest.shift();
      }
      try {
        const { done, value } = await reader.read();
        if (done || !value) {
          finish();
          return undefined;
        }
        if (first) {
          first = false;
          metrics.firstToken.observe({ backend: backend.id, kind }, (performance.now() - started) / 1000);
        }
        previous = last;
        last = value;
        const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        const at = sawDone ? 0 : bytes.indexOf(DONE_MARKER);
        if (at >= 0) {
          sawDone = true;
          if (bytes.indexOf(0x0a, at) >= 0) {
            finish();
            drained = drain();
          }
        }
        return value;
      } catch (err) {
        finish();
        throw err;
      }
    };
    return new LeanReply(
      { status: reply.status, statusText: reply.statusText, headers: reply.headers },
      new LeanBody(pull, () => {
        finish();
        void reader.cancel();
      }),
    );
  }

  /**
   * Why no backend has `model`, when the answer may be that the one that has it cannot be reached: a backend that is
   * down lists no models, and "not found" would send the developer to `ollama pull` on a server they cannot reach.
   */
  function unreachableBackends(model: string): string | undefined {
    const down = pool.backends.filter((b) => !b.reachable);
    if (down.length === 0) return undefined;
    const which = down.map((b) => `${b.id}: ${b.lastError ?? 'not reached yet'}`).join('; ');
    return `The team server cannot reach ${down.length === pool.backends.length ? 'its model backend' : 'a model backend that may have "' + model + '"'} (${which}). This is on the server's side: tell the team server's admin; your conversation is kept, so press Retry once it is back.`;
  }

  type Admission = { ok: true; slot: Slot; backend: Backend; started: number } | { ok: false; status: number; error: string; headers?: Record<string, string> };

  /** Finds a backend with `model` and waits for a slot on it; a refusal says what the client is told. */
  async function admit(user: string, kind: WorkKind, model: string, signal: AbortSignal | undefined): Promise<Admission> {
    if (!model) return { ok: false, status: 400, error: 'model is required' };
    if (!(await backendFor(model))) {
      const down = unreachableBackends(model);
      if (down) return { ok: false, status: 503, error: down };
      return { ok: false, status: 404, error: `model "${model}" not found on the team server's backends (${pool.tags().map((t) => t.name).join(', ') || 'none reachable'})` };
    }
    let slot: Slot;
    try {
      const granted = scheduler.acquire({ user, kind, model, signal });
      if (scheduler.queued > 0) for (const wake of [...resting]) wake();
      slot = await granted;
    } catch (err) {
      if (err instanceof QueueFullError) {
        metrics.rejected.inc({ kind, reason: 'queue_full' });
        return { ok: false, status: 429, error: err.message, headers: { 'retry-after': String(Math.ceil(err.retryAfterMs / 1000)) } };
      }
      if (err instanceof NoBackendError) return { ok: false, status: 404, error: `model "${model}" not found` };
      if (err instanceof QueueAbortedError) throw abortError();
      throw err;
    }
    metrics.queueWait.observe({ kind }, slot.waitedMs / 1000);
    return { ok: true, slot, backend: pool.get(slot.backendId)!, started: performance.now() };
  }

  /**
   * A request's end, whichever path served it: its token counts (none for one
   * that failed before its reply streamed), its latency, and the slot back.
   */
  function release(admitted: Omit<Extract<Admission, { ok: true }>, 'ok'>, kind: WorkKind, counts?: StreamStats): void {
    const { backend, slot, started } = admitted;
    if (counts) {
      metrics.tokens.inc({ backend: backend.id, direction: 'prompt' }, counts.promptTokens);
      metrics.tokens.inc({ backend: backend.id, direction: 'completion' }, counts.completionTokens);
    }
    metrics.modelLatency.observe({ backend: backend.id, kind }, (performance.now() - started) / 1000);
    slot.release();
  }

  /** What the client is told when a backend failed; "fetch failed" alone tells an admin nothing, the cause says refused, reset or timed out. */
  function backendFailure(backend: Backend, model: string, err: unknown): string {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const detail = `${(err as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
    logger.warn('model request failed', { backend: backend.id, model, error: detail });
    return `The team server's backend ${backend.id} failed: ${detail}`;
  }

  /** An OpenAI-compatible backend's reply, translated to Ollama's; a refusal is the error the client is told. */
  async function openAiRequest(endpoint: 'chat' | 'generate', admitted: Extract<Admission, { ok: true }>, kind: WorkKind, model: string, body: Json, signal: AbortSignal | undefined): Promise<LeanReply | { status: number; error: string }> {
    const { backend } = admitted;
    if (backend.config.type !== 'openai') throw new Error('not an OpenAI-compatible backend');
    try {
      // Ollama folds a name's case itself; an OpenAI-compatible server matches exactly, so it is sent the name it lists.
      const named = { ...body, model: pool.installedName(backend.id, model) ?? model };
      return (await openAiReply(backend.config, endpoint, named, signal, kind, (err) => logger.warn('model request failed', { backend: backend.id, model, error: err.message }))).reply;
    } catch (err) {
      if (signal?.aborted) throw err;
      const status = (err as Partial<OpenAiHttpError>).status;
      if (status === undefined) throw err;
      // The backend refused the request: its 4xx stands (the client sent something wrong), anything else is the server's.
      release(admitted, kind);
      logger.warn('model request failed', { backend: backend.id, model, error: (err as Error).message });
      // A busy backend's Retry-After (vLLM behind a gateway, SGLang loading) reaches the user as words: the client cannot see the header.
      const wait = retryAfterSeconds((err as Partial<OpenAiHttpError>).retryAfter);
      const said = (err as Error).message;
      const asked = wait === undefined ? said : `${said.replace(/[.\s]+$/, '')}. It asked to be retried in ${formatWait(wait)}.`;
      return { status: status >= 400 && status < 500 ? status : 502, error: `The team server's backend ${backend.id} failed: ${asked}` };
    }
  }

  async function modelRequest(endpoint: 'chat' | 'generate', user: string, kind: WorkKind, raw: string, signal: AbortSignal | undefined): Promise<LeanReply> {
    let model: string;
    let parsed: Json | undefined;
    try {
      ({ model, parsed } = modelOf(raw));
    } catch (err) {
      return jsonReply(400, { error: (err as Error).message });
    }
    const admitted = await admit(user, kind, model, signal);
    if (!admitted.ok) return jsonReply(admitted.status, { error: admitted.error }, admitted.headers);
    const { backend, slot, started } = admitted;
    try {
      if (backend.config.type === 'openai') {
        // Translating needs the whole request.
        const translated = await openAiRequest(endpoint, admitted, kind, model, parsed ?? (JSON.parse(raw) as Json), signal);
        if (!(translated instanceof LeanReply)) return jsonReply(translated.status, { error: translated.error });
        return metered(translated, backend, kind, slot, started, signal);
      }
      const upstream = (await ollamaFetch(backendUrl(backend, endpoint), { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw, signal })) as unknown as LeanReply;
      return metered(upstream, backend, kind, slot, started, signal);
    } catch (err) {
      release(admitted, kind);
      if (signal?.aborted) throw abortError();
      return jsonReply(502, { error: backendFailure(backend, model, err) });
    }
  }

  /**
   * The direct path for the agent core's streaming chat (and generate): the
   * same admission and backend choice as `modelRequest`, then one HTTP
   * request whose body is parsed line by line straight off the socket.
   * Refusals throw what the `ollama` client would have thrown for the same
   * HTTP reply, so the core tells the user the same thing either way.
   */
  async function stream(endpoint: 'chat' | 'generate', user: string, kind: WorkKind, request: Json, signal: AbortSignal | undefined): Promise<ModelStream> {
    if (signal?.aborted) throw abortError();
    const model = typeof request.model === 'string' ? request.model : '';
    const admitted = await admit(user, kind, model, signal);
    if (!admitted.ok) throw new ModelResponseError(admitted.error, admitted.status);
    const { backend, started } = admitted;
    // Cancelling needs nothing here: the turn's signal already aborts the request (openRequest, openAiReply), and the core aborts the stream it reads.
    const hooks: ReplyHooks = {
      first: () => metrics.firstToken.observe({ backend: backend.id, kind }, (performance.now() - started) / 1000),
      finished: (final) => release(admitted, kind, { promptTokens: numberOf(final?.prompt_eval_count), completionTokens: numberOf(final?.eval_count) }),
    };
    try {
      if (backend.config.type === 'openai') {
        const translated = await openAiRequest(endpoint, admitted, kind, model, request, signal);
        if (!(translated instanceof LeanReply)) throw new ModelResponseError(translated.error, translated.status);
        if (!translated.ok) {
          release(admitted, kind);
          throw new ModelResponseError(await errorText(translated.text(), translated.status, translated.statusText), translated.status);
        }
        const reader = translated.body.getReader();
        const reply = new NdjsonModelStream({ cancel: () => void reader.cancel() }, hooks);
        void pump(reader, reply, signal);
        return reply;
      }
      const res = await openRequest(new URL(backendUrl(backend, endpoint)), 'POST', { 'content-type': 'application/json' }, JSON.stringify(request), signal);
      if (res.statusCode !== 200) {
        release(admitted, kind);
        throw new ModelResponseError(await errorText(readAll(res), res.statusCode ?? 0, res.statusMessage ?? ''), res.statusCode ?? 0);
      }
      // Inline suggestions are read as they come: their latency is the whole point.
      const reply = streamResponse(res, hooks, signal, kind === 'chat' ? readPaceMs : undefined, resting);
      return reply;
    } catch (err) {
      if (err instanceof ModelResponseError) throw err;
      release(admitted, kind);
      if (signal?.aborted) throw abortError();
      throw new ModelResponseError(backendFailure(backend, model, err), 502);
    }
  }

  async function show(raw: string, signal: AbortSignal | undefined): Promise<LeanReply> {
    const body = JSON.parse(raw || '{}') as Json;
    const model = String(body.model ?? body.name ?? '');
    const backend = model ? await backendFor(model) : undefined;
    if (!backend) {
      const down = model ? unreachableBackends(model) : undefined;
      return down ? jsonReply(503, { error: down }) : jsonReply(404, { error: `model "${model}" not found` });
    }
    // The backend's own name for it: an OpenAI-compatible server matches names exactly.
    const installed = pool.installedName(backend.id, model) ?? model;
    if (backend.config.type === 'openai') return jsonReply(200, openAiShow(backend.config, installed));
    const timeout = AbortSignal.timeout(10_000);
    const upstream = (await ollamaFetch(backendUrl(backend, 'show'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, model: installed }),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    })) as unknown as LeanReply;
    return jsonReply(upstream.status, await upstream.json());
  }

  async function route(user: string, kind: WorkKind, input: string | URL | Request, init: RequestInit | undefined): Promise<LeanReply> {
    const signal = init?.signal ?? undefined;
    if (signal?.aborted) throw abortError();
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? 'GET').toUpperCase();
    switch (`${method} ${url.pathname}`) {
      case 'GET /api/version':
        return jsonReply(200, { version: '0.12.6' });
      case 'GET /api/tags':
        await pool.ensureFresh(5_000);
        if (!pool.anyReachable) return jsonReply(502, { error: `None of the team server's model backends is reachable (${pool.backends.map((b) => `${b.id}: ${b.lastError ?? 'unknown'}`).join('; ')}).` });
        return jsonReply(200, { models: pool.tags() });
      case 'GET /api/ps':
        return jsonReply(200, { models: [] });
      case 'POST /api/show':
        return show(requestBody(init), signal);
      case 'POST /api/chat':
        return modelRequest('chat', user, kind, requestBody(init), signal);
      case 'POST /api/generate':
        return modelRequest('generate', user, kind, requestBody(init), signal);
      default:
        return jsonReply(404, { error: `${method} ${url.pathname} is not served by the Hearth team server` });
    }
  }

  return {
    fetchFor: (user, kind) => ((input: string | URL | Request, init?: RequestInit) => route(user, kind, input, init)) as unknown as typeof fetch,
    streamFor: (user, kind) => (endpoint, request, signal) => stream(endpoint, user, kind, request, signal),
  };
}

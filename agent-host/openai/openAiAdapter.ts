/**
 * Lets the agent core, which speaks Ollama's API, use an OpenAI-compatible
 * server (vLLM, llama.cpp's server, LM Studio): /api/chat becomes
 * /v1/chat/completions and /api/generate (fill-in-the-middle) becomes
 * /v1/completions, and the server-sent events come back as Ollama's NDJSON
 * chunks. The one translation for both the team server's OpenAI-compatible
 * backends and the local providers of `hearth.providers`: streaming, tool
 * calls, usage and errors are converted here and nowhere else.
 */
import type { ReplySink } from './replyPipe';
import { imageDataUrl, sniffBase64ImageType } from '../../protocol/chatImages';
import { webPageRefusal } from './webPageRefusal';
import { readJsonUpTo } from './readJsonUpTo';
import { readTextUpTo } from './readTextUpTo';
import { hideApiKey } from './hideApiKey';
import { errorBodyText } from './errorBodyText';
import { StreamLines } from '../core/streamLines';
import { StreamedToolCalls } from './streamedToolCalls';

/** A whole (not streamed) reply is read this far; the longest answer a context window allows is a few MiB. */
const WHOLE_REPLY_MAX_BYTES = 64 * 1024 * 1024;

/** An error body is read this far: enough for any server's JSON error or a web page's title, never a whole endless page. */
const ERROR_BODY_MAX_BYTES = 64 * 1024;

type Json = Record<string, unknown>;

/** The kind of work a request is; vLLM's priority scheduler runs completions first. */
export type OpenAiWorkKind = 'completion' | 'chat';

/** One OpenAI-compatible server. The team server's `BackendConfig` of type openai is one. */
export interface OpenAiEndpoint {
  /** The base URL, without `/v1`. */
  url: string;
  /** A bearer token; sent only in the Authorization header. */
  apiKey?: string;
  /** Models that accept fill-in-the-middle (`suffix`). */
  fimModels?: string[];
  /** Models that take images (reported as the "vision" capability; images go as image_url parts). */
  visionModels?: string[];
  /** Send a request `priority` (vLLM started with `--scheduling-policy priority`). */
  requestPriority?: boolean;
  /** How the server is reached; the global fetch without it (a local provider behind the user's proxy has one). */
  fetch?: typeof fetch;
}

/** The error a refused request rejects with: the server's HTTP status, the start of its answer, and its `Retry-After` header. */
export type OpenAiHttpError = Error & { status: number; retryAfter?: string };

export interface StreamStats {
  promptTokens: number;
  completionTokens: number;
}

interface OllamaMessage {
  role: string;
  content?: string;
  images?: unknown;
  tool_calls?: { function: { name: string; arguments: unknown } }[];
  tool_name?: string;
  tool_call_id?: string;
}

/** vLLM runs lower priorities first: inline completions ahead of chat. */
function priorityOf(kind: OpenAiWorkKind): number {
  return kind === 'completion' ? 0 : 1;
}

export function authHeaders(backend: Pick<OpenAiEndpoint, 'apiKey'>): Record<string, string> {
  return { 'Content-Type': 'application/json', ...(backend.apiKey ? { Authorization: `Bearer ${backend.apiKey}` } : {}) };
}

/**
 * The id of call `call` of message `message`. Ollama's messages carry none, so each request numbers them again; the
 * shape is the strictest a server asks for: Mistral models (Mistral's API, and vLLM with `--tokenizer-mode mistral`,
 * through mistral_common's validator) refuse any id that is not exactly 9 letters and digits, which made the request
 * after every tool call fail ("Tool call id was call_2_0 but must be a-z, A-Z, 0-9, with a length of 9"). Every other
 * server takes any string. Base 36 keeps the ids distinct for 60 million messages of 46,000 calls each.
 */
function toolCallId(message: number, call: number): string {
  return `c${message.toString(36).padStart(5, '0')}${call.toString(36).padStart(3, '0')}`;
}

function toOpenAiMessages(messages: OllamaMessage[]): Json[] {
  let lastCallIds: string[] = [];
  let toolIndex = 0;
  return messages.map((m, i) => {
    if (m.role === 'assistant' && m.tool_calls?.length) {
      lastCallIds = m.tool_calls.map((_, j) => toolCallId(i, j));
      toolIndex = 0;
      return {
        role: 'assistant',
        content: m.content ?? '',
        tool_calls: m.tool_calls.map((c, j) => ({ id: lastCallIds[j], type: 'function', function: { name: c.function.name, arguments: JSON.stringify(c.function.arguments ?? {}) } })),
      };
    }
    if (m.role === 'tool') {
      // Ollama pairs tool results with calls by order; OpenAI needs the call id.
      const id = m.tool_call_id ?? lastCallIds[toolIndex++] ?? toolCallId(i, 0);
      return { role: 'tool', tool_call_id: id, content: m.content ?? '' };
    }
    if (m.role === 'user' && Array.isArray(m.images) && m.images.length > 0) return { role: 'user', content: userContentParts(m.content ?? '', m.images) };
    return { role: m.role, content: m.content ?? '' };
  });
}

/**
 * A user message with images in OpenAI's shape: a text part, then one
 * `image_url` part per image as a data: URL. Ollama's images are bare
 * base64 (api/types.go ImageData), so the type is read from the bytes.
 */
export function userContentParts(text: string, images: unknown[]): Json[] {
  // A message of images alone has no text part: OpenAI-compatible servers may refuse an empty one.
  const parts: Json[] = text === '' ? [] : [{ type: 'text', text }];
  for (const image of images) {
    if (typeof image !== 'string') continue;
    const mimeType = sniffBase64ImageType(image);
    if (mimeType) parts.push({ type: 'image_url', image_url: { url: imageDataUrl({ mimeType, dataBase64: image }) } });
  }
  return parts;
}

function samplingOptions(body: Json): Json {
  const options = (body.options ?? {}) as Json;
  const out: Json = {};
  if (typeof options.temperature === 'number') out.temperature = options.temperature;
  if (typeof options.num_predict === 'number' && options.num_predict > 0) out.max_tokens = options.num_predict;
  if (Array.isArray(options.stop)) out.stop = options.stop;
  return out;
}

/**
 * Reads `data:` lines of a server-sent-event stream. The data of an
 * `event: error` comes as `{ error }`, the shape vLLM, llama.cpp's server and
 * LiteLLM use for an error inside a stream, and so does an `error:` line:
 * llama.cpp's server builds whose tools/server/server.cpp streams an error
 * with `server_sent_event(sink, "error", error_data)` write it as a field of
 * its own, which SSE readers ignore, so the stream just ended and the user
 * read "the connection closed … the model may have crashed" instead of the
 * server's sentence (a prompt over the context size, a failed slot).
 */
async function* sseData(response: Response): AsyncGenerator<Json> {
  const decoder = new TextDecoder();
  const lines = new StreamLines();
  let eventName = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    for (const raw of lines.push(decoder.decode(chunk, { stream: true }))) {
      const line = raw.trim();
      // A blank line ends an event, and with it the event's name.
      if (line === '') eventName = '';
      if (line.startsWith('event:')) eventName = line.slice(6).trim();
      if (line.startsWith('error:')) {
        const text = line.slice(6).trim();
        let error: unknown = text;
        try {
          error = JSON.parse(text);
        } catch {
          // Not JSON: the text is the message.
        }
        yield { error };
        continue;
      }
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (data === '[DONE]') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        parsed = undefined;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        // A whole event that is not a JSON object (cut short by a proxy, a broken server): nothing after it can be
        // trusted, and the user reads what arrived rather than "the connection closed", which is not what happened.
        yield { error: `the server sent a stream event that is not JSON: ${data.slice(0, 200)}` };
        return;
      }
      const event = parsed as Json;
      yield eventName === 'error' && event.error === undefined ? { error: event } : event;
    }
  }
}

/**
 * The server's error text when a stream event is an error: `{"error": {...}}`
 * (OpenAI, vLLM, llama.cpp's server, LiteLLM) or vLLM's bare ErrorResponse
 * (`{"object": "error", "message": ...}`); undefined for any other event.
 */
function streamError(event: Json): string | undefined {
  const error = event.object === 'error' ? event : event.error;
  if (error === undefined || error === null) return undefined;
  if (typeof error === 'string') return error;
  const message = (error as Json).message;
  return typeof message === 'string' && message !== '' ? message : JSON.stringify(error);
}

/**
 * Ends a translated stream whose server sent an error mid-stream as Ollama
 * ends one (routes.go `streamResponse`): an `{"error": …}` line after the
 * tokens already sent, which the client reports with the server's text.
 */
function endWithError(res: ReplySink, message: string): void {
  res.end(`${JSON.stringify({ error: message })}\n`);
}

/** A reply asked for with `stream: false`, parsed, or an Error saying it was too large or not an object. */
async function wholeReply(upstream: Response, backend: OpenAiEndpoint): Promise<Json> {
  const reply = await readJsonUpTo(upstream, WHOLE_REPLY_MAX_BYTES, `the reply of ${backend.url}`);
  if (typeof reply !== 'object' || reply === null) throw new Error(`${backend.url} did not answer with a JSON object`);
  return reply as Json;
}

/**
 * True when a reply to a streamed request is one JSON body instead of server-sent events. LM Studio answers a path
 * it does not serve (a `baseUrl` with a wrong path: its own REST API's `/api/v0`, a copied endpoint) with HTTP 200 and
 * `{"error":"Unexpected endpoint or method. (POST …)"}` (lmstudio-ai/lmstudio-bug-tracker#618), and a server or proxy
 * that ignores `stream` sends the whole answer. Read as events, either was an empty stream: "the connection closed
 * early, the model may have crashed", with the server's own sentence lost.
 */
function isWholeJson(upstream: Response): boolean {
  const type = upstream.headers.get('content-type') ?? '';
  return /\bjson\b/i.test(type) && !/event-stream/i.test(type);
}

/** A whole reply's error, as a translated stream ends with one; undefined when it has none. */
function endWithWholeError(res: ReplySink, reply: Json, backend: OpenAiEndpoint): boolean {
  const failure = streamError(reply);
  if (failure === undefined) return false;
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
  endWithError(res, hideApiKey(failure, backend.apiKey).slice(0, 2000));
  return true;
}

async function post(backend: OpenAiEndpoint, path: string, body: Json, signal: AbortSignal): Promise<Response> {
  const url = `${backend.url.replace(/\/+$/, '')}${path}`;
  const res = await (backend.fetch ?? fetch)(url, { method: 'POST', headers: authHeaders(backend), body: JSON.stringify(body), signal });
  if (!res.ok) {
    const text = hideApiKey(await readTextUpTo(res, ERROR_BODY_MAX_BYTES), backend.apiKey);
    const err = new Error(`HTTP ${res.status}: ${webPageRefusal(url, res, text) ?? errorBodyText(text).slice(0, 500)}`) as OpenAiHttpError;
    err.status = res.status;
    const retryAfter = res.headers.get('retry-after');
    if (retryAfter !== null) err.retryAfter = retryAfter;
    throw err;
  }
  return res;
}

function finalFields(reason: unknown, stats: StreamStats, startedAt: number): Json {
  const totalNs = Math.round((performance.now() - startedAt) * 1e6);
  return { done: true, done_reason: reason === 'length' ? 'length' : 'stop', total_duration: totalNs, load_duration: 0, prompt_eval_count: stats.promptTokens, prompt_eval_duration: 0, eval_count: stats.completionTokens, eval_duration: totalNs };
}

/** Runs an Ollama /api/chat request on an OpenAI-compatible backend, writing Ollama's reply format to `res`. */
export async function openAiChat(backend: OpenAiEndpoint, body: Json, res: ReplySink, signal: AbortSignal, kind: OpenAiWorkKind = 'chat'): Promise<StreamStats> {
  const startedAt = performance.now();
  const model = String(body.model);
  const stream = body.stream !== false;
  const request: Json = { model, messages: toOpenAiMessages((body.messages ?? []) as OllamaMessage[]), stream, ...samplingOptions(body) };
  if (Array.isArray(body.tools) && body.tools.length > 0) request.tools = body.tools;
  if (stream) request.stream_options = { include_usage: true };
  if (backend.requestPriority) request.priority = priorityOf(kind);
  const upstream = await post(backend, '/v1/chat/completions', request, signal);
  const stats: StreamStats = { promptTokens: 0, completionTokens: 0 };
  const created = () => new Date().toISOString();
  if (!stream || isWholeJson(upstream)) {
    const reply = await wholeReply(upstream, backend);
    if (stream && endWithWholeError(res, reply, backend)) return stats;
    const choice = ((reply.choices as Json[]) ?? [])[0] ?? {};
    const message = (choice.message ?? {}) as Json;
    const usage = (reply.usage ?? {}) as Json;
    stats.promptTokens = Number(usage.prompt_tokens ?? 0);
    stats.completionTokens = Number(usage.completion_tokens ?? 0);
    const toolCalls = ((message.tool_calls as Json[]) ?? []).map((c) => toOllamaToolCall(c.function as Json));
    const thinking = reasoningOf(message);
    const whole = { role: 'assistant', content: String(message.content ?? ''), ...(thinking !== '' ? { thinking } : {}), ...(toolCalls.length ? { tool_calls: toolCalls } : {}) };
    if (stream) {
      // The streamed request's caller reads NDJSON: the whole answer as one chunk, then the final line.
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      res.write(`${JSON.stringify({ model, created_at: created(), message: whole, done: false })}\n`);
      res.end(`${JSON.stringify({ model, created_at: created(), message: { role: 'assistant', content: '' }, ...finalFields(choice.finish_reason, stats, startedAt) })}\n`);
      return stats;
    }
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ model, created_at: created(), message: whole, ...finalFields(choice.finish_reason, stats, startedAt) }));
    return stats;
  }
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
  const calls = new StreamedToolCalls();
  let finish: unknown;
  for await (const event of sseData(upstream)) {
    const failure = streamError(event);
    if (failure !== undefined) {
      endWithError(res, hideApiKey(failure, backend.apiKey));
      return stats;
    }
    const usage = event.usage as Json | undefined;
    if (usage) {
      stats.promptTokens = Number(usage.prompt_tokens ?? stats.promptTokens);
      stats.completionTokens = Number(usage.completion_tokens ?? stats.completionTokens);
    }
    for (const choice of (event.choices as Json[]) ?? []) {
      const delta = (choice.delta ?? {}) as Json;
      if (choice.finish_reason) finish = choice.finish_reason;
      for (const c of (delta.tool_calls as Json[]) ?? []) calls.add(c);
      const thinking = reasoningOf(delta);
      if (thinking !== '') {
        res.write(`${JSON.stringify({ model, created_at: created(), message: { role: 'assistant', content: '', thinking }, done: false })}\n`);
      }
      if (typeof delta.content === 'string' && delta.content !== '') {
        res.write(`${JSON.stringify({ model, created_at: created(), message: { role: 'assistant', content: delta.content }, done: false })}\n`);
      }
    }
  }
  // Every server ends a whole answer with a finish_reason; a stream that stopped without one (the connection closed,
  // or a gateway sent [DONE] when its upstream failed) was cut, so it ends without Ollama's final line, as a cut
  // Ollama stream does, and the user is told the answer is partial instead of shown it as finished. Half-sent tool
  // calls are dropped with it: their arguments are cut too.
  if (finish === undefined) {
    res.end();
    return stats;
  }
  if (calls.all.length > 0) {
    const toolCalls = calls.all.map((c) => toOllamaToolCall({ name: c.name, arguments: c.args }));
    res.write(`${JSON.stringify({ model, created_at: created(), message: { role: 'assistant', content: '', tool_calls: toolCalls }, done: false })}\n`);
  }
  res.end(`${JSON.stringify({ model, created_at: created(), message: { role: 'assistant', content: '' }, ...finalFields(finish, stats, startedAt) })}\n`);
  return stats;
}

/**
 * The reasoning in an OpenAI-style message or delta, as Ollama's `thinking`. The Chat Completions API has no
 * field for it, so servers chose their own: Ollama's `/v1` sends `reasoning` (openai/openai.go), vLLM's and
 * llama.cpp's reasoning parsers `reasoning_content`. Without this a reasoning model streams nothing the user
 * can see until its answer starts.
 */
function reasoningOf(message: Json): string {
  for (const key of ['reasoning_content', 'reasoning']) {
    const value = message[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return '';
}

function toOllamaToolCall(fn: Json): { function: { name: string; arguments: unknown } } {
  let args: unknown = fn.arguments ?? {};
  if (typeof args === 'string') {
    try {
      args = args.trim() === '' ? {} : JSON.parse(args);
    } catch {
      // The agent core reports unparseable arguments to the model, which is what Ollama does too.
    }
  }
  return { function: { name: String(fn.name ?? ''), arguments: args } };
}

/** Runs an Ollama /api/generate request (prompt + suffix) on /v1/completions. */
export async function openAiGenerate(backend: OpenAiEndpoint, body: Json, res: ReplySink, signal: AbortSignal, kind: OpenAiWorkKind = 'completion'): Promise<StreamStats> {
  const startedAt = performance.now();
  const model = String(body.model);
  const stream = body.stream !== false;
  const request: Json = { model, prompt: String(body.prompt ?? ''), stream, ...samplingOptions(body) };
  if (typeof body.suffix === 'string' && body.suffix !== '') request.suffix = body.suffix;
  if (backend.requestPriority) request.priority = priorityOf(kind);
  const upstream = await post(backend, '/v1/completions', request, signal);
  const stats: StreamStats = { promptTokens: 0, completionTokens: 0 };
  if (!stream || isWholeJson(upstream)) {
    const reply = await wholeReply(upstream, backend);
    if (stream && endWithWholeError(res, reply, backend)) return stats;
    const choice = ((reply.choices as Json[]) ?? [])[0] ?? {};
    const usage = (reply.usage ?? {}) as Json;
    stats.promptTokens = Number(usage.prompt_tokens ?? 0);
    stats.completionTokens = Number(usage.completion_tokens ?? 0);
    const text = String(choice.text ?? '');
    if (stream) {
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      res.write(`${JSON.stringify({ model, created_at: new Date().toISOString(), response: text, done: false })}\n`);
      res.end(`${JSON.stringify({ model, created_at: new Date().toISOString(), response: '', ...finalFields(choice.finish_reason, stats, startedAt) })}\n`);
      return stats;
    }
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ model, created_at: new Date().toISOString(), response: text, ...finalFields(choice.finish_reason, stats, startedAt) }));
    return stats;
  }
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
  let finish: unknown;
  for await (const event of sseData(upstream)) {
    const failure = streamError(event);
    if (failure !== undefined) {
      endWithError(res, hideApiKey(failure, backend.apiKey));
      return stats;
    }
    const usage = event.usage as Json | undefined;
    if (usage) {
      stats.promptTokens = Number(usage.prompt_tokens ?? 0);
      stats.completionTokens = Number(usage.completion_tokens ?? 0);
    }
    for (const choice of (event.choices as Json[]) ?? []) {
      if (choice.finish_reason) finish = choice.finish_reason;
      if (typeof choice.text === 'string' && choice.text !== '') {
        res.write(`${JSON.stringify({ model, created_at: new Date().toISOString(), response: choice.text, done: false })}\n`);
      }
    }
  }
  // As for chat: a suggestion cut without a finish_reason is not offered as a whole one.
  if (finish === undefined) {
    res.end();
    return stats;
  }
  res.end(`${JSON.stringify({ model, created_at: new Date().toISOString(), response: '', ...finalFields(finish, stats, startedAt) })}\n`);
  return stats;
}

/** What /api/show reports for a model of an OpenAI-compatible backend. */
export function openAiShow(backend: Pick<OpenAiEndpoint, 'fimModels' | 'visionModels'>, model: string, contextLength?: number): Json {
  const fim = backend.fimModels?.includes(model) ?? false;
  // An OpenAI-compatible server does not say which models see images; the admin lists them (vision_models).
  const vision = backend.visionModels?.includes(model) ?? false;
  // A template that mentions .Suffix is how Ollama clients recognise a fill-in-the-middle model.
  const template = fim ? '{{ if .Suffix }}{{ .Prompt }}{{ .Suffix }}{{ else }}{{ .Prompt }}{{ end }}' : '{{ .Prompt }}';
  return {
    modelfile: '',
    parameters: '',
    template,
    details: { parent_model: '', format: 'openai', family: '', families: [], parameter_size: '', quantization_level: '' },
    // Read like any model's trained length (`<architecture>.context_length`), so the context budget fits the server's.
    model_info: { 'general.architecture': 'openai', ...(contextLength ? { 'openai.context_length': contextLength } : {}) },
    capabilities: ['completion', 'tools', ...(fim ? ['insert'] : []), ...(vision ? ['vision'] : [])],
  };
}

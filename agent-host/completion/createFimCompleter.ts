import { type AbortableAsyncIterator, type GenerateResponse, type ModelResponse } from 'ollama';
import { HearthException } from '../core/hearthException';
import { describeOllamaFailure } from '../core/describeOllamaFailure';
import { classifyFailure, unreachableError } from '../core/errorMapping';
import { displayHost, withSignal } from '../core/ollamaClient';
import { ollamaWithStreamer } from '../core/streamingOllama';
import { LeadingThinkSplitter } from '../core/leadingThinkSplitter';
import { boundedLineFetch, STREAM_LINE_MAX_CHARS } from '../core/streamLines';
import { buildGenerateRequest, DEFAULT_KEEP_ALIVE } from './buildGenerateRequest';
import { detectFimSupport, missingModelInfo, noCodeModelInfo, type ShowFacts } from './detectFimSupport';
import { familyFromName } from './fimTemplates';
import { leanHttpFetch } from './leanHttpFetch';
import { suggestionCharLimit } from './suggestionCharLimit';
import { providerRouting } from '../providers/providerRouting';
import { globalFetch, viaProxies } from '../providers/proxyRoute';
import type { FimChunk, FimCompleter, FimCompleterConfig, FimModelInfo, FimReadyModel, FimRequest, FimTimings } from './fimTypes';

/** A missing model is looked up again after this long, so a fresh `ollama pull` is noticed without a restart. */
const MISSING_RECHECK_MS = 10_000;
/** Models probed with /api/show when none is recognisable by name. */
const MAX_PROBED_MODELS = 8;

const NS_PER_MS = 1_000_000;

interface CacheEntry {
  info: Promise<FimModelInfo>;
  expiresAt: number;
}

function timingsOf(last: GenerateResponse): FimTimings {
  const ms = (ns: number | undefined) => (typeof ns === 'number' ? ns / NS_PER_MS : undefined);
  return {
    totalMs: ms(last.total_duration),
    loadMs: ms(last.load_duration),
    promptEvalMs: ms(last.prompt_eval_duration),
    evalMs: ms(last.eval_duration),
    promptTokens: last.prompt_eval_count,
    completionTokens: last.eval_count,
  };
}

/** Parameter size in billions ("1.5B" → 1.5), to prefer the fastest code model. */
function billions(model: ModelResponse): number {
  const parsed = Number.parseFloat(model.details?.parameter_size ?? '');
  return Number.isFinite(parsed) ? parsed : Number.POSITIVE_INFINITY;
}

/**
 * Fill-in-the-middle on Ollama's /api/generate, for inline suggestions. One
 * completer per Ollama host; it remembers what each model can do, so the
 * per-keystroke path costs one HTTP request and nothing else.
 */
export function createFimCompleter(config: FimCompleterConfig): FimCompleter {
  const host = displayHost(config.host);
  // A `provider::model` goes to its provider (the same routing as the chat agent's); plain names to this Ollama.
  // Behind a proxy each request asks the route first (a loopback Ollama never goes through one).
  const lean = (signal?: AbortSignal) => viaProxies(leanHttpFetch(signal, { maxLineBytes: STREAM_LINE_MAX_CHARS }), config.proxyRoute);
  const routing = config.fetch ? undefined : providerRouting(config.providers, config.providerKey, lean(), viaProxies(globalFetch, config.proxyRoute));
  const fetchWith = config.fetch ?? routing?.fetch;
  /**
   * An `ollama` client whose requests also follow `signal`; its streaming generate goes through `config.stream` when
   * there is one. Its bodies arrive in bounded whole lines (lean replies bound their own; a proxy's go through
   * boundedLineFetch), since the client's line reader would grow a line that never ends without limit.
   */
  const client = (signal?: AbortSignal) => ollamaWithStreamer({ host, headers: config.headers, fetch: boundedLineFetch(fetchWith ? withSignal(fetchWith, signal) : lean(signal)) }, config.stream, signal);
  const keepAlive = config.keepAlive ?? DEFAULT_KEEP_ALIVE;
  const cache = new Map<string, CacheEntry>();

  /** Turns a failed /api/show or /api/tags call into the HearthException the user sees. */
  async function throwFailure(err: unknown, model: string): Promise<never> {
    const failure = classifyFailure(err);
    const provider = routing?.locate(model);
    const error = failure.kind === 'unreachable' ? unreachableError(host, failure.detail, provider?.server) : await describeOllamaFailure(err, { client: client(), host, model, provider });
    throw new HearthException(error, { cause: err });
  }

  async function show(model: string): Promise<ShowFacts | undefined> {
    try {
      return (await client().show({ model })) as unknown as ShowFacts;
    } catch (err) {
      const failure = classifyFailure(err);
      if (failure.kind === 'http' && failure.status === 404) return undefined;
      return throwFailure(err, model);
    }
  }

  async function installed(): Promise<ModelResponse[]> {
    try {
      return (await client().list()).models;
    } catch (err) {
      return throwFailure(err, '');
    }
  }

  async function lookUp(model: string): Promise<FimModelInfo> {
    const facts = await show(model);
    if (!facts) return missingModelInfo(model, host, (await installed()).map((m) => m.name));
    return detectFimSupport(model, facts);
  }

  /**
   * The providers' models of a known code family, listed at most once per
   * MISSING_RECHECK_MS: while Ollama is down and no provider has a code
   * model, every keystroke tries the pick again, and it must not ask every
   * provider for its list (up to 5 s for a dead one) each time.
   */
  let providerList: { at: number; names: Promise<string[]> } | undefined;
  function providerCodeModels(): Promise<string[]> {
    if (!routing) return Promise.resolve([]);
    if (!providerList || Date.now() - providerList.at > MISSING_RECHECK_MS) {
      providerList = { at: Date.now(), names: routing.listModels().then(({ models }) => models.map((m) => m.name).filter((name) => familyFromName(name) !== undefined)) };
    }
    return providerList.names;
  }

  /**
   * With no model configured: the smallest installed model of a known code
   * family, else the first whose template fills in the middle, else (with
   * providers) the first provider model of a known code family. A provider
   * is only asked when Ollama has no code model or does not answer, so a
   * user with only LM Studio or llama-server gets suggestions without
   * naming a model, and Ollama's models still come first.
   */
  async function pickAutomatically(): Promise<FimModelInfo> {
    let models: ModelResponse[] = [];
    let ollamaFailure: unknown;
    try {
      models = await installed();
    } catch (err) {
      if (!routing) throw err;
      ollamaFailure = err;
    }
    const byName = models.filter((m) => familyFromName(m.name) !== undefined).sort((a, b) => billions(a) - billions(b));
    for (const candidate of byName) {
      const info = await lookUp(candidate.name);
      if (info.status === 'ready') return info;
    }
    for (const candidate of models.filter((m) => familyFromName(m.name) === undefined).slice(0, MAX_PROBED_MODELS)) {
      const info = await lookUp(candidate.name);
      if (info.status === 'ready') return info;
    }
    for (const candidate of await providerCodeModels()) {
      const info = await lookUp(candidate);
      if (info.status === 'ready') return info;
    }
    if (ollamaFailure !== undefined) throw ollamaFailure;
    return noCodeModelInfo(host, models.map((m) => m.name));
  }

  function describeModel(model: string): Promise<FimModelInfo> {
    const key = model.trim();
    const cached = cache.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.info;
    const info = key === '' ? pickAutomatically() : lookUp(key);
    const entry: CacheEntry = { info, expiresAt: Number.POSITIVE_INFINITY };
    cache.set(key, entry);
    info.then(
      (result) => {
        if (result.status === 'missing') entry.expiresAt = Date.now() + MISSING_RECHECK_MS;
      },
      // Failures (Ollama down) are not remembered: the next keystroke tries again.
      () => cache.get(key) === entry && cache.delete(key),
    );
    return info;
  }

  async function* complete(model: FimReadyModel, request: FimRequest, signal: AbortSignal): AsyncGenerator<FimChunk> {
    const cancelled: FimChunk = { type: 'done', reason: 'cancelled', timings: {} };
    if (signal.aborted) {
      yield cancelled;
      return;
    }
    const ollama = client(signal);
    let stream: AbortableAsyncIterator<GenerateResponse> | undefined;
    let finished = false;
    try {
      stream = await ollama.generate(buildGenerateRequest(model, request, keepAlive));
      const filter = new LeadingThinkSplitter();
      // A backend that ignores num_predict is cut off where an honest one would have stopped (the finally hangs up).
      // Everything it sends counts, reasoning and held-back whitespace too, or those could run on without end.
      const limit = suggestionCharLimit(request.maxTokens);
      let read = 0;
      let shown = 0;
      for await (const part of stream) {
        // String(): a hostile backend's non-string field must still count, not turn the count into NaN.
        read += String(part.response ?? '').length + String(part.thinking ?? '').length;
        // `part.thinking` (a model that reasons even with think:false, like gpt-oss) is never suggestion text.
        const text = part.response ? filter.push(part.response).text.slice(0, limit - shown) : '';
        shown += text.length;
        if (text) yield { type: 'text', delta: text };
        if (read >= limit && !part.done) {
          yield { type: 'done', reason: 'length', timings: {} };
          return;
        }
        if (part.done) {
          const rest = filter.flush().text;
          if (rest) yield { type: 'text', delta: rest };
          finished = true;
          yield { type: 'done', reason: part.done_reason === 'length' ? 'length' : 'stop', timings: timingsOf(part) };
          return;
        }
      }
    } catch (err) {
      if (signal.aborted) {
        yield cancelled;
        return;
      }
      const error = await describeOllamaFailure(err, { client: client(), host, model: model.model, provider: routing?.locate(model.model) });
      throw new HearthException(error, { cause: err });
    } finally {
      // A caller that stops reading early (the suggestion is complete) must not leave Ollama generating.
      if (!finished) stream?.abort();
    }
  }

  return {
    host,
    describeModel,
    complete,
    invalidate: () => cache.clear(),
  };
}

import { Ollama } from 'ollama';
import { isMissingRoute } from '../core/errorMapping';
import { viaProxies, type ProxyRoute } from '../providers/proxyRoute';

/** Why embeddings are unavailable; the index then answers from full-text ranking alone. */
export class EmbeddingUnavailable extends Error {
  constructor(
    message: string,
    /** 'missing': the model is not installed; 'unsupported': it cannot embed; 'unreachable': no Ollama; 'failed': anything else. */
    readonly reason: 'missing' | 'unsupported' | 'unreachable' | 'failed',
  ) {
    super(message);
    this.name = 'EmbeddingUnavailable';
  }
}

export interface Embedder {
  readonly model: string;
  /** One vector per text, each of the model's dimension, L2-normalised (Ollama normalises /api/embed output). */
  embed(texts: string[], kind: 'document' | 'query', signal: AbortSignal): Promise<Float32Array[]>;
}

export interface OllamaEmbedderOptions {
  host: string;
  /** Headers for every request to the host (a reverse proxy's basic authentication). */
  headers?: Record<string, string>;
  model: string;
  /** Texts per /api/embed request; Ollama embeds a request's inputs in parallel on one runner. */
  batchSize?: number;
  /** How long Ollama keeps the embedding model loaded after a request (a duration string or seconds). */
  keepAlive?: string | number;
  /** Longest wait for one request, a cold model load included (default 120 s); then indexing goes on with full-text only. */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  /** The proxy of the Ollama host (see AgentConfig.proxyRoute). */
  proxyRoute?: ProxyRoute;
  /** Where the user chooses the model, for error messages (default: the editor setting). */
  setting?: string;
}

/**
 * nomic-embed-text was trained with task prefixes and retrieves markedly
 * better with them (its model card: "search_query: " / "search_document: ").
 */
function withTaskPrefix(model: string, text: string, kind: 'document' | 'query'): string {
  return /^nomic-embed-text/.test(model) ? `${kind === 'query' ? 'search_query' : 'search_document'}: ${text}` : text;
}

/**
 * Embeddings from Ollama's `/api/embed` through the `ollama` client, in
 * batches, with the caller's signal merged into every HTTP request so
 * cancelling indexing aborts the request in flight. `truncate: true` (also
 * Ollama's default) lets an over-long chunk be cut to the model's context
 * instead of failing the batch. Errors become `EmbeddingUnavailable` with a
 * sentence that says what to do.
 */
export function createOllamaEmbedder(options: OllamaEmbedderOptions): Embedder {
  const batchSize = options.batchSize ?? 32;
  const base = viaProxies(options.fetch ?? fetch, options.proxyRoute);
  return {
    model: options.model,
    async embed(texts, kind, signal) {
      // A client per call: its fetch carries this call's signal, so a query and an indexing batch never share one.
      const client = new Ollama({
        host: options.host,
        headers: options.headers,
        fetch: (input, init) => {
          const limit = AbortSignal.any([signal, AbortSignal.timeout(options.requestTimeoutMs ?? 120_000)]);
          return base(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, limit]) : limit });
        },
      });
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        signal.throwIfAborted();
        const input = texts.slice(i, i + batchSize).map((t) => withTaskPrefix(options.model, t, kind));
        let embeddings: number[][];
        try {
          ({ embeddings } = await client.embed({ model: options.model, input, truncate: true, keep_alive: options.keepAlive ?? '5m' }));
        } catch (e) {
          if (signal.aborted) throw signal.reason ?? e;
          if ((e as Error).name === 'TimeoutError') {
            throw new EmbeddingUnavailable(`Ollama did not answer an embedding request with ${options.model} within ${Math.round((options.requestTimeoutMs ?? 120_000) / 1000)} s. Codebase search uses full-text ranking until then.`, 'failed');
          }
          throw describeEmbedFailure(options.host, options.model, e, options.setting);
        }
        if (!Array.isArray(embeddings) || embeddings.length !== input.length) {
          throw new EmbeddingUnavailable(`Ollama answered ${embeddings?.length ?? 0} embeddings for ${input.length} texts from ${options.model}.`, 'failed');
        }
        for (const e of embeddings) out.push(Float32Array.from(e));
      }
      return out;
    },
  };
}

/** Ollama's errors (server/routes.go `EmbedHandler`) in words that say what to do. */
export function describeEmbedFailure(host: string, model: string, e: unknown, setting = 'the setting hearth.codebaseSearch.embeddingModel'): EmbeddingUnavailable {
  const status = (e as { status_code?: number }).status_code;
  const text = e instanceof Error ? e.message : String(e);
  const fallback = 'Codebase search uses full-text ranking until then.';
  // Before the model check: an Ollama without /api/embed answers its router's 404, and pulling the model would not help.
  if (isMissingRoute(status, text)) {
    return new EmbeddingUnavailable(`Ollama at ${host} is older than 0.2.6, the first version with /api/embed, which codebase search uses (it answered "404 page not found"). Update Ollama (https://ollama.com/download), then re-index. ${fallback}`, 'failed');
  }
  if (status === 404) {
    return new EmbeddingUnavailable(`The embedding model ${model} is not installed in Ollama at ${host}. Run \`ollama pull ${model}\`, or choose another model in ${setting}. ${fallback}`, 'missing');
  }
  if (status === 501 || /does not support embeddings|embedding/i.test(text)) {
    return new EmbeddingUnavailable(`${model} cannot make embeddings (Ollama: ${text}). Set ${setting.replace(/^the setting /, '')} to an embedding model such as nomic-embed-text. ${fallback}`, 'unsupported');
  }
  if (status === undefined) {
    return new EmbeddingUnavailable(`Ollama at ${host} could not be reached for embeddings (${text}). ${fallback}`, 'unreachable');
  }
  return new EmbeddingUnavailable(`Ollama could not embed with ${model} (HTTP ${status}: ${text}). ${fallback}`, 'failed');
}

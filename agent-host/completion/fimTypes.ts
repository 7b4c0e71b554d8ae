/**
 * The shapes of fill-in-the-middle completion, shared by the completer and its
 * callers (the language server in local mode, the team server in remote mode).
 */
import type { ModelStreamer } from '../core/modelStream';
import type { ProviderConfig } from '../../protocol/lspMethods';
import type { ProxyRoute } from '../providers/proxyRoute';

/** The code-model families whose sentinel tokens Hearth knows for raw prompts. */
export type FimFamily = 'qwen2.5-coder' | 'codellama' | 'deepseek-coder' | 'starcoder2' | 'codestral' | 'codegemma' | 'granite-code';

/**
 * How a model does fill-in-the-middle:
 * - `native`: its Ollama template handles `.Suffix`, so Ollama gets `prompt` + `suffix`;
 * - `raw`: a known code family without a suffix-aware template; Hearth writes the
 *   sentinel-token prompt itself and sends it with `raw: true`.
 */
export type FimMode = 'native' | 'raw';

/** A model that can fill in the middle. */
export interface FimReadyModel {
  status: 'ready';
  model: string;
  mode: FimMode;
  /** Known for raw models; for native models only when the name or template says so. */
  family?: FimFamily;
  /** The model's trained context length in tokens (from /api/show). */
  contextLength: number;
  /** Stop sequences: the model's own (Modelfile) merged with its family's sentinels. */
  stop: string[];
}

/**
 * A model Hearth will not use for inline suggestions, with the sentence to show
 * the user once: chat-only models produce junk rather than code that fits.
 */
export interface FimUnusableModel {
  /** `unsupported`: installed but chat-only; `missing`: not installed (or nothing installed). */
  status: 'unsupported' | 'missing';
  /** The requested model; empty when none was configured and none suitable is installed. */
  model: string;
  message: string;
  /** A model the user can pull, for the button ("ollama pull <suggestedModel>"). */
  suggestedModel: string;
  installedModels?: string[];
}

export type FimModelInfo = FimReadyModel | FimUnusableModel;

export interface FimRequest {
  /** Text before the cursor, with any header and context snippets already prepended. */
  prefix: string;
  /** Text after the cursor. */
  suffix: string;
  /** Upper bound on generated tokens (`num_predict`). */
  maxTokens: number;
  /** Extra stop sequences for this request, for example "\n" for a single-line suggestion. */
  stop?: string[];
  temperature?: number;
  /**
   * The model's one num_ctx (the caller keeps every request to a model on the
   * same one, or Ollama reloads the model). Undefined: Ollama's default.
   */
  numCtx?: number;
}

/** Ollama's own timing for one generation, in milliseconds. */
export interface FimTimings {
  totalMs?: number;
  loadMs?: number;
  promptEvalMs?: number;
  evalMs?: number;
  promptTokens?: number;
  completionTokens?: number;
}

export type FimChunk =
  | { type: 'text'; delta: string }
  | { type: 'done'; reason: 'stop' | 'length' | 'cancelled'; timings: FimTimings };

export interface FimCompleter {
  /** The Ollama URL this completer talks to. */
  readonly host: string;
  /**
   * What `model` can do, from /api/show, cached per model. With an empty
   * `model`, picks the first installed code model. Never throws for an
   * unusable model (see `FimUnusableModel`); throws a `HearthException`
   * (ollamaUnreachable) when Ollama cannot be reached.
   */
  describeModel(model: string): Promise<FimModelInfo>;
  /**
   * Streams one completion. Aborting `signal` aborts the HTTP request to
   * Ollama; the stream then ends with `done` and reason `cancelled`. Model
   * failures throw a `HearthException`.
   */
  complete(model: FimReadyModel, request: FimRequest, signal: AbortSignal): AsyncIterable<FimChunk>;
  /** Forgets cached model facts, for example after the user pulled a model. */
  invalidate(): void;
}

export interface FimCompleterConfig {
  /** Ollama base URL. */
  host: string;
  headers?: Record<string, string>;
  /** Replaces the built-in lean HTTP client (the team server's in-process model router). */
  fetch?: typeof fetch;
  /** Serves the streaming /api/generate itself (the team server's direct path to its backends); everything else still uses `fetch`. */
  stream?: ModelStreamer;
  /** How long Ollama keeps the model loaded after a request; defaults to 30 minutes. */
  keepAlive?: string | number;
  /**
   * `hearth.providers`: a `provider::model` suggestion model is answered by
   * that provider (an OpenAI-compatible server's /v1/completions, with the
   * family's raw fill-in-the-middle prompt), as the chat agent's are.
   */
  providers?: readonly ProviderConfig[];
  /** The providers' API keys (see AgentConfig.providerKey). */
  providerKey?: (provider: string, baseUrl: string) => string | undefined;
  /** The model servers' proxies (see AgentConfig.proxyRoute). */
  proxyRoute?: ProxyRoute;
}

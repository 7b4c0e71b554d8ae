import { Ollama, type AbortableAsyncIterator, type ChatRequest, type ChatResponse, type Config, type GenerateRequest, type GenerateResponse } from 'ollama';
import type { ModelStreamer } from './modelStream';

/** Images the `ollama` client would base64-encode itself (the core sends strings; anything else keeps the client's path). */
function hasBinaryImages(request: Record<string, unknown>): boolean {
  const binary = (images: unknown) => Array.isArray(images) && images.some((i) => typeof i !== 'string');
  if (binary(request.images)) return true;
  return Array.isArray(request.messages) && (request.messages as Record<string, unknown>[]).some((m) => binary(m?.images));
}

/**
 * The `ollama` client with its streaming chat and generate answered by a
 * `ModelStreamer` instead of its fetch-based transport: the team server's
 * model router streams parsed chunks straight from the backend's socket,
 * without the client's Response, reader, TextDecoder and two async
 * generators per token. Everything else (show, list, ps, non-streaming
 * calls) still goes through the client and its `fetch`.
 */
export class StreamingOllama extends Ollama {
  constructor(
    config: Partial<Config>,
    private readonly streamer: ModelStreamer,
    private readonly signal: AbortSignal | undefined,
  ) {
    super(config);
  }

  // The client's overloads return a stream or a whole reply by `stream`; these keep that contract.
  override chat(request: ChatRequest & { stream: true }): Promise<AbortableAsyncIterator<ChatResponse>>;
  override chat(request: ChatRequest & { stream?: false }): Promise<ChatResponse>;
  override chat(request: ChatRequest): Promise<ChatResponse | AbortableAsyncIterator<ChatResponse>> {
    return this.streamOr('chat', request, () => super.chat(request as ChatRequest & { stream?: false }));
  }

  override generate(request: GenerateRequest & { stream: true }): Promise<AbortableAsyncIterator<GenerateResponse>>;
  override generate(request: GenerateRequest & { stream?: false }): Promise<GenerateResponse>;
  override generate(request: GenerateRequest): Promise<GenerateResponse | AbortableAsyncIterator<GenerateResponse>> {
    return this.streamOr('generate', request, () => super.generate(request as GenerateRequest & { stream?: false }));
  }

  /** A streaming request through the streamer; anything else (and binary images) through the client itself. */
  private streamOr<T>(endpoint: 'chat' | 'generate', request: ChatRequest | GenerateRequest, viaClient: () => Promise<T>): Promise<T> {
    const raw = request as unknown as Record<string, unknown>;
    if (request.stream !== true || hasBinaryImages(raw)) return viaClient();
    return this.streamer(endpoint, raw, this.signal) as unknown as Promise<T>;
  }
}

/** An `ollama` client with `config`, whose streaming chat and generate go through `streamer` when there is one. */
export function ollamaWithStreamer(config: Partial<Config>, streamer: ModelStreamer | undefined, signal: AbortSignal | undefined): Ollama {
  return streamer ? new StreamingOllama(config, streamer, signal) : new Ollama(config);
}

/**
 * The model backends: Ollama servers and OpenAI-compatible ones (vLLM,
 * llama.cpp's server). The pool knows which models each one has, refreshed
 * in the background, so the scheduler only offers a request to backends
 * that can run it.
 */
import { listOpenAiModels, type TagsEntry } from '../../openai/openAiModels';
import { modelKey } from '../../../protocol/modelName';
import type { BackendConfig } from '../config/serverConfig';
import type { Logger } from '../ops/logger';

export type { TagsEntry } from '../../openai/openAiModels';

export interface Backend {
  id: string;
  config: BackendConfig;
  models: Map<string, TagsEntry>;
  reachable: boolean;
  lastError?: string;
}

const REFRESH_TIMEOUT_MS = 5000;


export class BackendPool {
  readonly backends: Backend[];
  private refreshedAt = 0;
  private inflight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(configs: BackendConfig[], private readonly logger: Logger, private readonly fetchImpl: typeof fetch = fetch) {
    this.backends = configs.map((config) => ({ id: config.name, config, models: new Map(), reachable: false }));
  }

  get(id: string): Backend | undefined {
    return this.backends.find((b) => b.id === id);
  }

  hasModel(id: string, model: string): boolean {
    return this.installedName(id, model) !== undefined;
  }

  /**
   * The name backend `id` lists for `model`, however the client wrote it:
   * Ollama runs "Qwen2.5-Coder:7B" and "qwen2.5-coder" as the installed
   * qwen2.5-coder:latest (see modelKey), so a team's members reach the same
   * backend, and share its slots, whichever way they spell it. The exact name
   * wins, for an OpenAI-compatible server that lists two names in two cases.
   */
  installedName(id: string, model: string): string | undefined {
    const b = this.get(id);
    if (!b) return undefined;
    if (b.models.has(model)) return model;
    const key = modelKey(model);
    for (const name of b.models.keys()) if (modelKey(name) === key) return name;
    return undefined;
  }

  /** Every model any backend has, once (the same model on two backends in two cases too). */
  tags(): TagsEntry[] {
    const seen = new Map<string, TagsEntry>();
    for (const b of this.backends) for (const [name, entry] of b.models) if (!seen.has(modelKey(name))) seen.set(modelKey(name), entry);
    return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get anyReachable(): boolean {
    return this.backends.some((b) => b.reachable);
  }

  startBackgroundRefresh(intervalMs = 30_000): void {
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Refreshes when the lists are older than `maxAgeMs`; concurrent callers share one refresh. */
  async ensureFresh(maxAgeMs: number): Promise<void> {
    if (Date.now() - this.refreshedAt <= maxAgeMs) return;
    await this.refresh();
  }

  refresh(): Promise<void> {
    this.inflight ??= Promise.all(this.backends.map((b) => this.refreshOne(b))).then(() => {
      this.refreshedAt = Date.now();
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async refreshOne(b: Backend): Promise<void> {
    try {
      const entries = b.config.type === 'ollama' ? await this.ollamaTags(b) : await this.openAiModels(b);
      b.models = new Map(entries.map((e) => [e.name, e]));
      if (!b.reachable) this.logger.info('backend reachable', { backend: b.id, url: b.config.url, models: entries.length });
      b.reachable = true;
      b.lastError = undefined;
    } catch (err) {
      const message = (err as Error).message;
      if (b.reachable || b.lastError !== message) this.logger.warn('backend unreachable', { backend: b.id, url: b.config.url, error: message });
      b.reachable = false;
      b.lastError = message;
    }
  }

  private async getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
    const res = await this.fetchImpl(url, { headers, signal: AbortSignal.timeout(REFRESH_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
    return res.json();
  }

  private async ollamaTags(b: Backend): Promise<TagsEntry[]> {
    const body = (await this.getJson(`${b.config.url.replace(/\/+$/, '')}/api/tags`)) as { models?: TagsEntry[] };
    return (body.models ?? []).filter((m) => typeof m?.name === 'string');
  }

  private openAiModels(b: Backend): Promise<TagsEntry[]> {
    return listOpenAiModels(b.config, AbortSignal.timeout(REFRESH_TIMEOUT_MS), this.fetchImpl);
  }
}

import type { CompletionSettings, HearthSettings } from '../../protocol/lspMethods';
import { normalizeOllamaHost } from './normalizeOllamaHost';

/** Reads the `hearth` section as the client reports it; undefined when the client cannot answer. */
export type ConfigurationSource = () => Promise<unknown>;

/**
 * The server's view of the user's settings, with defaults applied. It is read
 * from the client (`workspace/configuration`), cached, and dropped whenever the
 * client reports a change, so a new host or model applies to the next request.
 */
export class SettingsReader {
  private cached: Promise<HearthSettings> | undefined;

  constructor(private readonly source: ConfigurationSource, private readonly env: NodeJS.ProcessEnv = process.env) {}

  get(): Promise<HearthSettings> {
    this.cached ??= this.source()
      .catch(() => undefined)
      .then((raw) => toSettings(raw, this.env));
    return this.cached;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function section(value: unknown, key: string): Record<string, unknown> {
  const v = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

export function toSettings(raw: unknown, env: NodeJS.ProcessEnv = process.env): HearthSettings {
  return {
    ollama: { host: normalizeOllamaHost(str(section(raw, 'ollama').host), env) },
    chat: { model: str(section(raw, 'chat').model).trim() },
    completion: toCompletionSettings(section(raw, 'completion')),
  };
}

/** Defaults for `hearth.completion`, also applied to values of the wrong type. */
export const COMPLETION_DEFAULTS: CompletionSettings = {
  enabled: true,
  disabledLanguages: ['plaintext', 'scminput'],
  model: '',
  maxLines: 8,
  debounceMs: 30,
  pipeline: 'optimized',
};

function bounded(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
}

function toCompletionSettings(raw: Record<string, unknown>): CompletionSettings {
  const d = COMPLETION_DEFAULTS;
  return {
    enabled: typeof raw.enabled === 'boolean' ? raw.enabled : d.enabled,
    disabledLanguages: Array.isArray(raw.disabledLanguages) ? raw.disabledLanguages.filter((l): l is string => typeof l === 'string') : d.disabledLanguages,
    model: str(raw.model).trim(),
    maxLines: bounded(raw.maxLines, 1, 100, d.maxLines),
    debounceMs: bounded(raw.debounceMs, 0, 2000, d.debounceMs),
    pipeline: raw.pipeline === 'baseline' ? 'baseline' : 'optimized',
  };
}

/**
 * The providers of `hearth.providers`: which model server a model string
 * names, and with which key. The one owner of that mapping; everything else
 * (the tool loop, sub-agents, compaction, the model list) passes model
 * strings through unchanged and lets `providerFetch` route them.
 */
import type { ProviderConfig } from '../../protocol/lspMethods';
import type { ProviderServer } from '../core/errorMapping';
import { DEFAULT_PROVIDER, parseModelRef, PROVIDER_NAME } from './modelRef';

/** The API key the editor handed over for a provider at a URL; undefined when there is none. */
export type ProviderKeyLookup = (provider: string, baseUrl: string) => string | undefined;

/**
 * The URL a provider is reached at: trimmed, without trailing slashes, and
 * without a trailing `/v1` (LM Studio and vLLM show their URL with it; the
 * adapter adds the paths itself).
 */
export function normalizeBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').replace(/\/v1$/, '');
}

/**
 * The valid entries of `hearth.providers`, and a sentence for each invalid
 * one. A bad entry is reported, never guessed at: a provider receives the
 * code the user chats about, so its URL must be exactly what they wrote.
 */
export function checkProviders(raw: unknown): { providers: ProviderConfig[]; problems: string[] } {
  const providers: ProviderConfig[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { providers, problems };
  if (!Array.isArray(raw)) return { providers, problems: ['`hearth.providers` must be a list of { "name", "kind", "baseUrl" } entries.'] };
  raw.forEach((entry: unknown, i) => {
    const where = `Entry ${i + 1} of \`hearth.providers\``;
    if (!entry || typeof entry !== 'object') return void problems.push(`${where} is not an object.`);
    const { name, kind, baseUrl, visionModels } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || !PROVIDER_NAME.test(name)) {
      return void problems.push(`${where} needs a "name" of lowercase letters, digits, "-" and "_" (it is written before "::" in model names).`);
    }
    if (name === DEFAULT_PROVIDER) return void problems.push(`${where}: "${DEFAULT_PROVIDER}" is the name of the default provider (\`hearth.ollama.host\`); choose another name.`);
    if (providers.some((p) => p.name === name)) return void problems.push(`${where}: the name "${name}" is used twice.`);
    if (kind !== 'ollama' && kind !== 'openai') return void problems.push(`${where} ("${name}") needs a "kind" of "openai" or "ollama".`);
    if (typeof baseUrl !== 'string') return void problems.push(`${where} ("${name}") needs a "baseUrl", such as http://127.0.0.1:1234.`);
    let parsed: URL;
    try {
      parsed = new URL(normalizeBaseUrl(baseUrl));
    } catch {
      return void problems.push(`${where} ("${name}") has a "baseUrl" that is not a URL: ${baseUrl}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return void problems.push(`${where} ("${name}") needs an http:// or https:// "baseUrl".`);
    if (parsed.username || parsed.password) return void problems.push(`${where} ("${name}") has credentials in its "baseUrl"; use the command "Hearth: Set Provider API Key" instead.`);
    if (visionModels !== undefined && (!Array.isArray(visionModels) || !visionModels.every((m) => typeof m === 'string'))) {
      return void problems.push(`${where} ("${name}") needs "visionModels" to be a list of model names, such as ["qwen2.5-vl-7b-instruct"].`);
    }
    providers.push({ name, kind, baseUrl: normalizeBaseUrl(baseUrl), ...(visionModels?.length ? { visionModels: visionModels as string[] } : {}) });
  });
  return { providers, problems };
}

/** What a model string resolves to. */
export type ResolvedModel =
  | { kind: 'default'; model: string }
  | { kind: 'provider'; provider: ProviderConfig; model: string }
  | { kind: 'unknown'; providerName: string; model: string };

export class ProviderRegistry {
  constructor(
    readonly providers: readonly ProviderConfig[],
    private readonly keyFor: ProviderKeyLookup = () => undefined,
    /** How OpenAI-compatible providers are reached (through the user's proxy, when there is one); the global fetch without it. */
    readonly openAiFetch?: typeof fetch,
  ) {}

  get(name: string): ProviderConfig | undefined {
    return this.providers.find((p) => p.name === name);
  }

  resolve(ref: string): ResolvedModel {
    const parsed = parseModelRef(ref);
    if (parsed.provider === undefined) return { kind: 'default', model: parsed.model };
    const provider = this.get(parsed.provider);
    return provider ? { kind: 'provider', provider, model: parsed.model } : { kind: 'unknown', providerName: parsed.provider, model: parsed.model };
  }

  /** The key for `provider`, only while the setting still names the URL the key was stored for. */
  apiKey(provider: ProviderConfig): string | undefined {
    return this.keyFor(provider.name, provider.baseUrl) || undefined;
  }

  server(provider: ProviderConfig): ProviderServer {
    return { name: provider.name, kind: provider.kind, host: provider.baseUrl };
  }

  /** The sentence for a model string that names a provider the setting does not have. */
  unknownProviderMessage(name: string): string {
    const known = this.providers.map((p) => p.name);
    return `No provider named "${name}" is configured in \`hearth.providers\`${known.length ? ` (configured: ${known.join(', ')})` : ''}. Add it there, or pick another model in the model picker.`;
  }
}

/**
 * How a model string names its provider: `<provider>::<model>`, for example
 * `lmstudio::qwen2.5-coder-7b-instruct` or `vllm::Qwen/Qwen2.5-Coder-7B-Instruct`.
 * A plain name is an Ollama model of `hearth.ollama.host`, as before.
 *
 * The two colons cannot collide with an Ollama name: Ollama's name grammar
 * (types/model/name.go, `parts` and `isValidByteFor`) allows one `:` at
 * most, before the tag, and no `:` in the host, namespace or model part, so
 * no valid Ollama name contains `::`.
 */

export const MODEL_REF_SEPARATOR = '::';

/** A provider's name: what goes before `::`. Lowercase letters, digits, `-` and `_`, starting with a letter or digit. */
export const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** The name of the default provider, Ollama at `hearth.ollama.host`; `ollama::name` means the same as `name`. */
export const DEFAULT_PROVIDER = 'ollama';

export interface ModelRef {
  /** The provider the string names; undefined for a plain (Ollama) name. */
  provider?: string;
  /** The model's name as its provider knows it. */
  model: string;
}

/** Splits a model string at its first `::`; a string without one is a plain Ollama name. */
export function parseModelRef(ref: string): ModelRef {
  const at = ref.indexOf(MODEL_REF_SEPARATOR);
  if (at < 0) return { model: ref };
  const provider = ref.slice(0, at).trim();
  const model = ref.slice(at + MODEL_REF_SEPARATOR.length).trim();
  if (provider === DEFAULT_PROVIDER) return { model };
  return { provider, model };
}

/** The model string for `model` on `provider` (plain for the default provider). */
export function formatModelRef(provider: string | undefined, model: string): string {
  return provider === undefined || provider === DEFAULT_PROVIDER ? model : `${provider}${MODEL_REF_SEPARATOR}${model}`;
}

import { FIM_TEMPLATES, familyFromName, familyFromTemplate } from './fimTemplates';
import type { FimModelInfo } from './fimTypes';
import { FALLBACK_CONTEXT_LENGTH as DEFAULT_CONTEXT_LENGTH } from '../core/contextBudget';
import { trainedContextLength } from '../core/modelFacts';
import { parseModelRef } from '../providers/modelRef';

/** The model Hearth suggests pulling: small enough for any laptop, trained for fill-in-the-middle. */
export const SUGGESTED_FIM_MODEL = 'qwen2.5-coder:1.5b';


/** The families whose names identify a fill-in-the-middle model on a provider, for messages. */
const FIM_FAMILY_NAMES = 'Qwen2.5-Coder, Qwen3-Coder, Code Llama, DeepSeek-Coder, StarCoder2, Codestral, CodeGemma, Granite Code';

/** The parts of Ollama's /api/show answer that decide how a model fills in the middle. */
export interface ShowFacts {
  template?: string;
  parameters?: string;
  capabilities?: string[];
  model_info?: Record<string, unknown>;
}

/** The trained context length, reported as `<architecture>.context_length`. */
export function contextLengthOf(show: ShowFacts): number {
  return trainedContextLength(show.model_info) ?? DEFAULT_CONTEXT_LENGTH;
}

/** The `stop` parameters of the model's Modelfile, as /api/show lists them (`stop "<|endoftext|>"`). */
export function modelfileStops(parameters: string | undefined): string[] {
  const stops: string[] = [];
  for (const match of (parameters ?? '').matchAll(/^stop\s+(.+?)\s*$/gm)) {
    const raw = match[1];
    try {
      stops.push(raw.startsWith('"') ? (JSON.parse(raw) as string) : raw);
    } catch {
      stops.push(raw.replace(/^"|"$/g, ''));
    }
  }
  return stops;
}

/**
 * Decides how `model` fills in the middle. Ollama's own template wins when it
 * handles `.Suffix` (Ollama then knows the sentinels best); otherwise a known
 * code family gets a raw prompt with its sentinels; anything else is a chat
 * model, which is refused rather than allowed to produce junk.
 */
export function detectFimSupport(model: string, show: ShowFacts): FimModelInfo {
  const template = show.template ?? '';
  const contextLength = contextLengthOf(show);
  const family = familyFromName(model) ?? familyFromTemplate(template);
  const familyStops = family ? FIM_TEMPLATES[family].stop : [];
  // Passing `stop` replaces the Modelfile's stops, so they are merged rather than lost.
  const stop = [...new Set([...modelfileStops(show.parameters), ...familyStops])];
  if (/\.Suffix\b/.test(template) || (show.capabilities ?? []).includes('insert')) {
    return { status: 'ready', model, mode: 'native', family, contextLength, stop };
  }
  if (family) return { status: 'ready', model, mode: 'raw', family, contextLength, stop };
  if (parseModelRef(model).provider !== undefined) {
    // A provider's server does not say which of its models fill in the middle: the name has to tell.
    return {
      status: 'unsupported',
      model,
      message:
        `"${model}" is not a code model Hearth can prompt for fill-in-the-middle: on a provider, Hearth recognises such models by name ` +
        `(${FIM_FAMILY_NAMES}). Load one of those on the provider and set \`hearth.completion.model\` to it, or leave the setting empty to use Ollama's.`,
      suggestedModel: SUGGESTED_FIM_MODEL,
    };
  }
  return {
    status: 'unsupported',
    model,
    message:
      `"${model}" is a chat model without fill-in-the-middle support, so Hearth does not use it for inline suggestions ` +
      `(it would suggest prose instead of code that fits). Install a code model with \`ollama pull ${SUGGESTED_FIM_MODEL}\` ` +
      `and set \`hearth.completion.model\` to it, or leave the setting empty to pick an installed code model automatically.`,
    suggestedModel: SUGGESTED_FIM_MODEL,
  };
}

/** The message for a configured completion model that Ollama does not have. */
export function missingModelInfo(model: string, host: string, installed: string[] | undefined): FimModelInfo {
  const list = installed && installed.length > 0 ? ` Installed models: ${installed.join(', ')}.` : '';
  return {
    status: 'missing',
    model,
    message:
      `The inline-suggestion model "${model}" is not installed in Ollama at ${host}.${list} ` +
      `Install it with \`ollama pull ${model}\`, or set \`hearth.completion.model\` to an installed code model.`,
    suggestedModel: model,
    installedModels: installed,
  };
}

/** The message when no model was configured and no installed model can fill in the middle. */
export function noCodeModelInfo(host: string, installed: string[]): FimModelInfo {
  const list = installed.length > 0 ? ` The installed models (${installed.join(', ')}) are chat models.` : ' No models are installed yet.';
  return {
    status: 'missing',
    model: '',
    message:
      `Inline suggestions need a code model in Ollama at ${host}.${list} ` +
      `Install one with \`ollama pull ${SUGGESTED_FIM_MODEL}\`; Hearth picks it up automatically.`,
    suggestedModel: SUGGESTED_FIM_MODEL,
    installedModels: installed,
  };
}

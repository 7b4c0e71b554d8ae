/**
 * The one decision about images in a turn: whether the model can see them.
 * It rests on /api/show's `capabilities` (ModelFactsCache, cached per
 * model), where Ollama lists "vision" for models with an image projector
 * (server/images.go `Capabilities`; types/model/capability.go).
 */
import type { ChatMessage, HearthError } from '../../protocol/chat';
import type { ModelFacts } from './modelFacts';
import { parseModelRef } from '../providers/modelRef';

/** true or false as /api/show says; undefined when Ollama did not report capabilities (an old version), so the images go and Ollama decides. */
export function seesImages(facts: ModelFacts): boolean | undefined {
  return facts.capabilities ? facts.capabilities.includes('vision') : undefined;
}

/** The refusal of a message with images to a model without vision: it names the model and what to do, and nothing is lost. */
export function noVisionError(model: string, capabilities: string[] | undefined): HearthError {
  const provider = parseModelRef(model).provider;
  // An OpenAI-compatible server does not say which of its models see images, so Hearth knows only those the user listed.
  const reason =
    provider !== undefined
      ? `its provider "${provider}" does not report it as a vision model. If it is one, add it to the "visionModels" of the provider "${provider}" in \`hearth.providers\` (an OpenAI-compatible server cannot say so itself), or`
      : `it has no "vision" capability${capabilities?.length ? ` (Ollama lists its capabilities as ${capabilities.join(', ')})` : ''}.`;
  return {
    code: 'invalidRequest',
    message:
      `${model} cannot see images: ${reason} ` +
      `${provider !== undefined ? 'pick' : 'Pick'} a vision model (for example qwen2.5vl, gemma3 or llama3.2-vision) in the model picker and press Retry; your message and its images are kept.`,
    model,
    retryable: true,
  };
}

/**
 * The history for a model without vision: images of earlier messages are
 * left out (Ollama cannot use them) and each such message says so, so the
 * model does not answer as if it had seen them.
 */
export function withoutImages(history: ChatMessage[]): ChatMessage[] {
  return history.map((m) => {
    if (!m.images?.length) return m;
    const { images, ...rest } = m;
    const note = `[${images.length === 1 ? 'An image' : `${images.length} images`} attached here ${images.length === 1 ? 'is' : 'are'} not shown to this model, which has no vision.]`;
    return { ...rest, content: m.content ? `${m.content}\n\n${note}` : note };
  });
}

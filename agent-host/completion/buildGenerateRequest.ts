import type { GenerateRequest } from 'ollama';
import { FIM_TEMPLATES } from './fimTemplates';
import type { FimReadyModel, FimRequest } from './fimTypes';

/** Keeps the completion model loaded between keystrokes; a cold load costs seconds. */
export const DEFAULT_KEEP_ALIVE = '30m';

/**
 * The /api/generate body for one fill-in-the-middle request. Native models get
 * Ollama's `prompt` + `suffix` (Ollama applies the model's template); raw
 * models get the family's sentinel prompt with `raw: true`, so no chat
 * template wraps it.
 *
 * `think` is always false: a thinking model left to its default reasons
 * before it writes a single character (Ollama turns thinking on when `think`
 * is omitted, routes.go GenerateHandler), which turns a suggestion into a
 * wait of seconds and can spend the whole num_predict on reasoning. Every
 * model accepts `false`.
 */
export function buildGenerateRequest(model: FimReadyModel, request: FimRequest, keepAlive: string | number = DEFAULT_KEEP_ALIVE): GenerateRequest & { stream: true } {
  const stop = [...new Set([...model.stop, ...(request.stop ?? [])])];
  const options = {
    num_predict: Math.max(1, Math.floor(request.maxTokens)),
    temperature: request.temperature ?? 0.1,
    top_p: 0.9,
    ...(stop.length > 0 ? { stop } : {}),
    ...(request.numCtx !== undefined ? { num_ctx: request.numCtx } : {}),
  };
  if (model.mode === 'native') {
    // Templates branch on `{{ if .Suffix }}`: an empty suffix (end of file) would turn
    // the request into plain continuation, so a newline keeps it in FIM form.
    return { model: model.model, prompt: request.prefix, suffix: request.suffix === '' ? '\n' : request.suffix, stream: true, keep_alive: keepAlive, think: false, options };
  }
  if (!model.family) throw new Error(`Raw fill-in-the-middle needs a known model family; ${model.model} has none.`);
  const prompt = FIM_TEMPLATES[model.family].build(request.prefix, request.suffix);
  return { model: model.model, prompt, raw: true, stream: true, keep_alive: keepAlive, think: false, options };
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** One FastAPI validation error (`{"loc": ["body", "messages"], "msg": "Field required", …}`) as `body.messages: Field required`. */
function validationText(item: unknown): string | undefined {
  if (!isRecord(item) || typeof item.msg !== 'string') return undefined;
  const loc = Array.isArray(item.loc) ? item.loc.filter((p) => typeof p === 'string' || typeof p === 'number').join('.') : '';
  return loc === '' ? item.msg : `${loc}: ${item.msg}`;
}

/**
 * The sentence in an OpenAI-compatible server's error body, or the body as it
 * came when it holds none (a proxy's plain text, a page). The shapes are the
 * ones such servers send: OpenAI's `{"error": {"message": …}}` (vLLM's own
 * errors, llama.cpp's server, LiteLLM), `{"error": "…"}` (LM Studio, Ollama),
 * `{"message": …}`, and FastAPI's `{"detail": "…"}` (an `HTTPException`:
 * SGLang's refusals, vLLM's unknown routes answer `{"detail": "Not Found"}`)
 * or `{"detail": [{"loc": […], "msg": …}]}` (a request FastAPI's validation
 * refused, 422). Raw JSON in the chat told the user nothing they could read.
 */
export function errorBodyText(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  if (!isRecord(parsed)) return body;
  const { error, message, detail } = parsed;
  if (typeof error === 'string' && error.trim() !== '') return error;
  if (isRecord(error) && typeof error.message === 'string' && error.message.trim() !== '') return error.message;
  if (typeof message === 'string' && message.trim() !== '') return message;
  if (typeof detail === 'string' && detail.trim() !== '') return detail;
  if (Array.isArray(detail)) {
    const items = detail.map(validationText).filter((t): t is string => t !== undefined);
    if (items.length > 0) return items.join('; ');
  }
  return body;
}

/**
 * The models an OpenAI-compatible server offers (`GET /v1/models`), as
 * entries of Ollama's /api/tags. One reader for the team server's backend
 * pool and the local providers' model list.
 */
import { authHeaders, type OpenAiEndpoint } from './openAiAdapter';
import { readJsonUpTo } from './readJsonUpTo';
import { hideApiKey } from './hideApiKey';

/**
 * The largest model list read: the biggest public catalogues (hundreds of
 * models with descriptions and prices) are a few MiB.
 */
export const MODEL_LIST_MAX_BYTES = 16 * 1024 * 1024;
/**
 * The longest model id taken from a list. Real ids are a few dozen
 * characters (a Hugging Face repository, a GGUF file's path); a longer one
 * is a broken or hostile server's, and each name is shown in the picker and
 * in messages that name a few of the server's models.
 */
export const MODEL_ID_MAX_CHARS = 512;

/** One entry of Ollama's /api/tags (also synthesized for OpenAI-compatible servers). */
export type TagsEntry = Record<string, unknown> & { name: string };

/** Rejects with an Error naming the URL and the HTTP status when the server refuses, and with fetch's own error when it cannot be reached. */
export async function listOpenAiModels(server: Pick<OpenAiEndpoint, 'url' | 'apiKey'>, signal: AbortSignal, fetchImpl: typeof fetch = fetch): Promise<TagsEntry[]> {
  const url = `${server.url.replace(/\/+$/, '')}/v1/models`;
  const headers = authHeaders(server);
  delete headers['Content-Type'];
  const res = await fetchImpl(url, { headers, signal });
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
  const body = (await readJsonUpTo(res, MODEL_LIST_MAX_BYTES, `the model list of ${url}`)) as { data?: { id?: unknown; max_model_len?: unknown }[] } | null;
  if (typeof body !== 'object' || body === null) throw new Error(`${url} did not answer with a model list`);
  // LM Studio answers a path it does not serve with 200 and {"error": "Unexpected endpoint or method. (GET …)"}: a
  // baseUrl with a wrong path. Read as a list it listed nothing and said nothing; its sentence says what is wrong.
  const error = (body as { error?: unknown }).error;
  if (!Array.isArray(body.data) && error !== undefined && error !== null) {
    const said = typeof error === 'string' ? error : typeof (error as { message?: unknown }).message === 'string' ? (error as { message: string }).message : JSON.stringify(error);
    throw new Error(`${url} answered with an error instead of a model list: ${hideApiKey(said, server.apiKey).slice(0, 500)}`);
  }
  return (Array.isArray(body.data) ? body.data : [])
    .filter((m): m is { id: string; max_model_len?: unknown } => typeof m?.id === 'string' && m.id !== '' && m.id.length <= MODEL_ID_MAX_CHARS)
    .map((m) => ({
      name: m.id,
      model: m.id,
      modified_at: new Date(0).toISOString(),
      size: 0,
      digest: '',
      details: { format: 'openai', family: '', parameter_size: '', quantization_level: '' },
      // vLLM says how long a context the model was started with; LM Studio and llama-server do not.
      ...(typeof m.max_model_len === 'number' && m.max_model_len > 0 ? { context_length: m.max_model_len } : {}),
    }));
}

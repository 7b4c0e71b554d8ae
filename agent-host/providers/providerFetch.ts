/**
 * The `fetch` of the local agent's `ollama` client when providers are
 * configured. The agent core speaks Ollama's API for every model; a request
 * whose model is `<provider>::<model>` is answered here by that provider:
 * an OpenAI-compatible server through the shared adapter (as the team
 * server's model router does for its backends), another Ollama by
 * forwarding with the plain model name. Plain names go to the default
 * Ollama untouched.
 */
import { jsonReply } from '../completion/leanReply';
import { HearthException } from '../core/hearthException';
import { providerRefusedError, retryAfterSeconds } from '../core/errorMapping';
import { openAiShow, type OpenAiEndpoint, type OpenAiHttpError } from '../openai/openAiAdapter';
import { openAiReply } from '../openai/openAiReply';
import { listOpenAiModels } from '../openai/openAiModels';
import { hideApiKey } from '../openai/hideApiKey';
import { hideKeyInBody } from './hideKeyInBody';
import { readTextUpTo } from '../openai/readTextUpTo';
import type { ProviderConfig } from '../../protocol/lspMethods';
import type { ProviderRegistry } from './providerRegistry';

type Json = Record<string, unknown>;

/** An Ollama provider's refusal is read this far; Ollama's own are one short JSON line. */
const REFUSAL_MAX_BYTES = 64 * 1024;

/** The requests that name a model; the rest (/api/tags, /api/ps, /api/version) are the default Ollama's. */
const MODEL_PATHS = new Set(['/api/chat', '/api/generate', '/api/show']);

export function openAiEndpoint(registry: ProviderRegistry, provider: ProviderConfig): OpenAiEndpoint {
  return { url: provider.baseUrl, apiKey: registry.apiKey(provider), visionModels: provider.visionModels, ...(registry.openAiFetch ? { fetch: registry.openAiFetch } : {}) };
}

function headersOf(init: RequestInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, key) => (out[key] = value));
  return out;
}

/** The server's sentence, without the status the adapter put before it (the adapter took it out of the body, errorBodyText.ts). */
function refusalText(message: string): string {
  return message.replace(/^HTTP \d+: /, '');
}

export function createProviderFetch(registry: ProviderRegistry, base: typeof fetch): typeof fetch {
  const route = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const raw = typeof init?.body === 'string' ? init.body : undefined;
    // Only a body that can name a provider is parsed; every other request passes as it came.
    if (!MODEL_PATHS.has(url.pathname) || raw === undefined || !raw.includes('::')) return base(input, init);
    const body = JSON.parse(raw) as Json;
    const key = typeof body.model === 'string' ? 'model' : 'name';
    const resolved = registry.resolve(String(body[key] ?? ''));
    if (resolved.kind === 'default') return base(input, { ...init, body: JSON.stringify({ ...body, [key]: resolved.model }) });
    if (resolved.kind === 'unknown') {
      throw new HearthException({ code: 'modelNotFound', message: registry.unknownProviderMessage(resolved.providerName), model: String(body[key]), retryable: true });
    }
    const provider = resolved.provider;
    const forwarded = { ...body, [key]: resolved.model };
    if (provider.kind === 'ollama') {
      const apiKey = registry.apiKey(provider);
      const headers = { ...headersOf(init), ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
      const answer = await base(`${provider.baseUrl}${url.pathname}`, { ...init, headers, body: JSON.stringify(forwarded) });
      // A refusal's text reaches the chat; a gateway in front of the Ollama may have repeated the key in it,
      // in a refusal or in an error line inside a stream that began well.
      if (!apiKey || typeof answer.body?.getReader !== 'function') return answer;
      if (answer.ok) return hideKeyInBody(answer, apiKey);
      const text = hideApiKey(await readTextUpTo(answer, REFUSAL_MAX_BYTES), apiKey);
      return new Response(text, { status: answer.status, statusText: answer.statusText, headers: { 'content-type': answer.headers.get('content-type') ?? 'application/json' } });
    }
    const endpoint = openAiEndpoint(registry, provider);
    if (url.pathname === '/api/show') {
      // The context length, where the server reports one (vLLM's max_model_len); the facts are cached per model, so this is asked once.
      const listed = await listOpenAiModels(endpoint, init?.signal ?? AbortSignal.timeout(5000), base).catch(() => []);
      const length = listed.find((m) => m.name === resolved.model)?.context_length;
      return jsonReply(200, openAiShow(endpoint, resolved.model, typeof length === 'number' ? length : undefined)) as unknown as Response;
    }
    try {
      const { reply } = await openAiReply(endpoint, url.pathname === '/api/chat' ? 'chat' : 'generate', forwarded, init?.signal ?? undefined, url.pathname === '/api/chat' ? 'chat' : 'completion');
      return reply as unknown as Response;
    } catch (err) {
      const { status, retryAfter } = err as Partial<OpenAiHttpError>;
      // A missing key or a rate limit is the user's to act on, so it is worded here, where the Retry-After header still is.
      const refused = status === undefined ? undefined : providerRefusedError(registry.server(provider), String(body[key]), status, refusalText((err as Error).message), retryAfterSeconds(retryAfter));
      if (refused) throw new HearthException(refused);
      // Any other refusal becomes Ollama's error shape, which the client raises as a ResponseError with the status; an unreachable server stays fetch's error.
      if (status !== undefined) return jsonReply(status, { error: refusalText((err as Error).message) || `HTTP ${status}` }) as unknown as Response;
      throw err;
    }
  };
  return route as typeof fetch;
}

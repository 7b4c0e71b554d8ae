import type { BackendConfig } from './serverConfig';
import { unreadKeys } from './unknownConfigKeys';

/** Every key of a `backends:` entry this reader reads; any other is warned of as unread. */
const BACKEND_KEYS = ['name', 'type', 'url', 'max_concurrency', 'api_key', 'fim_models', 'vision_models', 'request_priority'];

/**
 * Reads `backends:` from config.yaml, a list of { name, type, url,
 * max_concurrency, api_key, fim_models, vision_models, request_priority };
 * the values are checked later with the rest of the config. A key the list
 * above does not name goes to `warnings`, so a misspelt `max_concurency`
 * does not leave one slot in force without a word.
 */
export function readBackends(value: unknown, problems: string[], warnings: string[] = []): BackendConfig[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push('backends: must be a list');
    return [];
  }
  return value.map((entry, i) => {
    const e = entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? (entry as Record<string, unknown>) : {};
    warnings.push(...unreadKeys(`backends[${i}].`, e, BACKEND_KEYS));
    const b: BackendConfig = {
      name: String(e.name ?? `backend${i}`),
      type: String(e.type ?? 'ollama') as BackendConfig['type'],
      url: String(e.url ?? ''),
      maxConcurrency: Number(e.max_concurrency ?? 1),
    };
    if (e.api_key !== undefined && e.api_key !== '') b.apiKey = String(e.api_key);
    if (Array.isArray(e.fim_models)) b.fimModels = e.fim_models.map(String);
    if (Array.isArray(e.vision_models)) b.visionModels = e.vision_models.map(String);
    if (e.request_priority === true) b.requestPriority = true;
    return b;
  });
}

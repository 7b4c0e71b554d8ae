const DEFAULT_HOST = 'http://127.0.0.1:11434';

/**
 * Turns a configured host (the `hearth.ollama.host` setting, else the
 * `OLLAMA_HOST` environment variable Ollama itself reads) into a URL a client
 * can use. Ollama accepts `0.0.0.0:11434` or a bare host for its listen
 * address; as a destination those mean this machine and the default port.
 */
export function normalizeOllamaHost(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const raw = (configured && configured.trim()) || (env.OLLAMA_HOST && env.OLLAMA_HOST.trim()) || DEFAULT_HOST;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return raw;
  }
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
  if (!url.port && url.protocol === 'http:' && !/:\d+/.test(withScheme.replace(/^[a-z]+:\/\//i, ''))) url.port = '11434';
  return url.toString().replace(/\/$/, '');
}

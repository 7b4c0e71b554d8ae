const DEFAULT_HOST = 'http://127.0.0.1:11434';

/**
 * Turns a configured host (the `hearth.ollama.host` setting, else the
 * `OLLAMA_HOST` environment variable Ollama itself reads) into a URL a client
 * can use. Ollama accepts `0.0.0.0:11434` or a bare host for its listen
 * address; as a destination those mean this machine and the default port.
 *
 * A user name and password in it (`https://me:secret@ollama.example`, for an
 * Ollama behind a reverse proxy with basic authentication) become
 * `authorization`, the header every request to the host carries: `fetch`
 * refuses a URL with credentials, and its error, shown in the chat, would
 * show the password. The host itself never holds them, so nothing that
 * shows it (errors, the status bar, logs) can.
 */
export function readOllamaHost(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): { host: string; authorization?: string } {
  const raw = (configured && configured.trim()) || (env.OLLAMA_HOST && env.OLLAMA_HOST.trim()) || DEFAULT_HOST;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    // Not a URL: kept for the error that names it, without anything that looks like credentials.
    return { host: raw.replace(/\/\/[^/@]*@/, '//') };
  }
  let authorization: string | undefined;
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    authorization = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
  if (!url.port && url.protocol === 'http:' && !/:\d+/.test(withScheme.replace(/^[a-z]+:\/\//i, '').replace(/^[^/@]*@/, ''))) url.port = '11434';
  const host = url.toString().replace(/\/$/, '');
  return authorization ? { host, authorization } : { host };
}

/** The request headers for an Ollama host's `authorization` (none without one). */
export function authorizationHeaders(authorization: string | undefined): Record<string, string> | undefined {
  return authorization ? { Authorization: authorization } : undefined;
}

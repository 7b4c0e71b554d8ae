import type { ServerConfig } from './serverConfig';

const MASK = '********';

/**
 * The configuration as `--print-config` shows it: every secret replaced, and
 * API key hashes shortened (they are not keys, but nothing gains from showing them).
 */
export function maskSecrets(config: ServerConfig): unknown {
  const copy = structuredClone(config) as ServerConfig;
  copy.auth.signingKeys = copy.auth.signingKeys.map((k) => ({ ...k, ...(k.secret !== undefined ? { secret: MASK } : {}) }));
  copy.auth.apiKeys = copy.auth.apiKeys.map((k) => ({ user: k.user, hash: `${k.hash.split(':')[0]}:${MASK}` }));
  copy.backends = copy.backends.map((b) => ({ ...b, ...(b.apiKey !== undefined ? { apiKey: MASK } : {}) }));
  if (copy.state.redisPassword) copy.state.redisPassword = MASK;
  copy.state.redisUrl = maskUrlPassword(copy.state.redisUrl);
  return copy;
}

/** redis://user:secret@host → redis://user:********@host; URLs without a password are shown as they are. */
function maskUrlPassword(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = MASK;
    return u.toString();
  } catch {
    return url ? MASK : url;
  }
}

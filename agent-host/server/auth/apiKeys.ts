/**
 * API keys, stored only as hashes, each mapped to a user. Keys are 256-bit
 * random strings, so a plain SHA-256 is enough to make a leaked config
 * useless; scrypt hashes are also accepted for keys an admin chose by hand.
 * Every comparison is constant-time and visits every entry, so timing shows
 * neither which key nor how much of it matched.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { ApiKeyConfig } from '../config/serverConfig';

const MAX_KEY_LENGTH = 512;

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** A new random API key, as given to a team member once. */
export function generateApiKey(): string {
  return `hearth_${randomBytes(32).toString('base64url')}`;
}

export function sha256Hash(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

export async function scryptHash(key: string, N = 16384, r = 8, p = 1): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(key, salt, 32, { N, r, p, maxmem: 256 * N * r });
  return `scrypt:${N}:${r}:${p}:${salt.toString('base64')}:${hash.toString('base64')}`;
}

interface Entry {
  user: string;
  kind: 'sha256' | 'scrypt';
  digest: Buffer;
  params?: { N: number; r: number; p: number; salt: Buffer };
}

function toEntry(config: ApiKeyConfig): Entry {
  const parts = config.hash.split(':');
  if (parts[0] === 'sha256') return { user: config.user, kind: 'sha256', digest: Buffer.from(parts[1], 'hex') };
  const [, N, r, p, salt, hash] = parts;
  return { user: config.user, kind: 'scrypt', digest: Buffer.from(hash, 'base64'), params: { N: Number(N), r: Number(r), p: Number(p), salt: Buffer.from(salt, 'base64') } };
}

export class ApiKeyStore {
  private entries: Entry[] = [];

  constructor(keys: ApiKeyConfig[]) {
    this.replace(keys);
  }

  /** Swaps the key list (the keys file was re-read); tokens of removed users stop working at their next call. */
  replace(keys: ApiKeyConfig[]): void {
    this.entries = keys.map(toEntry);
  }

  hasUser(user: string): boolean {
    return this.entries.some((e) => e.user === user);
  }

  get size(): number {
    return this.entries.length;
  }

  /** The user a presented key belongs to, or undefined. An empty key never matches. */
  async verify(presented: string): Promise<string | undefined> {
    if (typeof presented !== 'string' || presented.trim() === '' || presented.length > MAX_KEY_LENGTH) return undefined;
    const sha = createHash('sha256').update(presented, 'utf8').digest();
    let found: string | undefined;
    for (const entry of this.entries) {
      let candidate: Buffer;
      if (entry.kind === 'sha256') candidate = sha;
      else {
        const { N, r, p, salt } = entry.params!;
        candidate = await scrypt(presented, salt, entry.digest.length, { N, r, p, maxmem: 256 * N * r });
      }
      const match = candidate.length === entry.digest.length && timingSafeEqual(candidate, entry.digest);
      if (match && found === undefined) found = entry.user;
    }
    return found;
  }
}

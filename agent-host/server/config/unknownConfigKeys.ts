import { SETTINGS } from './settingsTable';

/** The YAML key of a config path's last part: `accessTtlMs` is `access_ttl` in the file. */
export function yamlKey(key: string): string {
  return key.replace(/Ms$/, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Keys read from the file besides the scalar settings of SETTINGS. */
const LISTS_AND_SECRETS: Record<string, readonly string[]> = {
  auth: ['signing_keys', 'api_keys'],
  state: ['redis_password'],
};

/** Top-level sections whose entries their own readers check (readBackends, readMcpServers; readIndexConfig refuses unknown keys). */
const OTHER_SECTIONS = ['backends', 'mcp', 'index'];

function knownKeys(): Map<string, Set<string>> {
  const sections = new Map<string, Set<string>>();
  for (const spec of SETTINGS) {
    const [section, key] = spec.path.split('.');
    if (!sections.has(section)) sections.set(section, new Set());
    sections.get(section)!.add(yamlKey(key));
  }
  for (const [section, keys] of Object.entries(LISTS_AND_SECRETS)) for (const key of keys) sections.get(section)?.add(key);
  return sections;
}

/** The number of single-character edits between `a` and `b` (both short keys). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

function unknown(where: string, key: string, known: Iterable<string>): string {
  const near = [...known].find((k) => editDistance(k, key) <= 2 || k.replace(/_/g, '') === key.replace(/[_-]/g, '').toLowerCase());
  return `${where}${key} is not a setting Hearth reads, so it has no effect${near ? ` (did you mean ${where}${near}?)` : ''}`;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A warning for each key of `entry` not in `known` (what a reader reads), with the key it probably meant; `where` prefixes each. */
export function unreadKeys(where: string, entry: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(entry).filter((key) => !known.includes(key)).map((key) => unknown(where, key, known));
}

/**
 * A warning for each top-level section and each key of the scalar settings'
 * sections that nothing reads (the readers of `backends:` and `mcp:` warn of
 * their own entries' keys). The loader reads the keys it knows and passes
 * over the rest, so a misspelt `chat_turns_per_minut` would otherwise leave
 * the default in force without a word, and the admin would believe the
 * limit was set.
 */
export function unknownConfigKeys(file: Record<string, unknown>): string[] {
  const sections = knownKeys();
  const warnings: string[] = [];
  for (const [section, value] of Object.entries(file)) {
    const keys = sections.get(section);
    if (!keys) {
      if (!OTHER_SECTIONS.includes(section)) warnings.push(unknown('', section, [...sections.keys(), ...OTHER_SECTIONS]));
      continue;
    }
    if (!isMap(value)) continue;
    for (const key of Object.keys(value)) if (!keys.has(key)) warnings.push(unknown(`${section}.`, key, keys));
  }
  return warnings;
}

import { createHash } from 'node:crypto';

/** Longest tool name the model sees; OpenAI-style backends refuse longer ones. */
export const MAX_TOOL_NAME_LENGTH = 64;
const MAX_SLUG_LENGTH = 24;

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 6);
}

/**
 * The server part of `server.tool`: [A-Za-z0-9_-] only. A dot is not allowed
 * here, so the first dot of a namespaced name always ends the server part and
 * `a.b` + `c` can never collide with `a` + `b.c`. `taken` holds the slugs of
 * the other servers: two names that clean up to the same slug get distinct ones.
 */
export function serverSlug(name: string, taken: ReadonlySet<string> = new Set()): string {
  let slug = name.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^-+/, '');
  if (slug === '' || /^_+$/.test(slug)) slug = `server_${shortHash(name)}`;
  if (slug.length > MAX_SLUG_LENGTH) slug = `${slug.slice(0, MAX_SLUG_LENGTH - 7)}_${shortHash(name)}`;
  if (!taken.has(slug)) return slug;
  for (let i = 2; ; i++) {
    const candidate = `${slug.slice(0, MAX_SLUG_LENGTH - String(i).length - 1)}_${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * The name the model sees for a server's tool: `slug.tool`, cleaned to
 * [A-Za-z0-9_.-] and at most 64 characters. Built-in tool names never contain
 * a dot, so an MCP tool cannot shadow one; `taken` holds the names already
 * given to this server's other tools, so two tools that clean up alike (or
 * are cut to the same prefix) stay distinct. A name that had to be changed
 * carries a hash of the original, so it is stable across restarts.
 */
export function namespacedToolName(slug: string, toolName: string, taken: ReadonlySet<string> = new Set()): string {
  const cleaned = toolName.replace(/[^A-Za-z0-9_.-]/g, '_') || 'tool';
  let name = `${slug}.${cleaned}`;
  const changed = cleaned !== toolName;
  if (name.length > MAX_TOOL_NAME_LENGTH || (changed && taken.has(name))) {
    const suffix = `_${shortHash(toolName)}`;
    name = `${slug}.${cleaned.slice(0, Math.max(1, MAX_TOOL_NAME_LENGTH - slug.length - 1 - suffix.length))}${suffix}`;
  }
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) {
    const suffix = `_${i}`;
    const candidate = `${name.slice(0, MAX_TOOL_NAME_LENGTH - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * MCP resource templates (RFC 6570 URI templates), level 1 only: simple
 * `{name}` variables, each replaced by the value with everything but the
 * unreserved characters percent-encoded, so a value can never add a path
 * segment, a query or a fragment of its own. Templates that use operators
 * (`{+path}`, `{?q}`, `{/seg}`, `{a,b}`) are not offered. Shared by the
 * language server (which lists templates), the extension (which asks for the
 * values) and the webview (which recognises a template mention).
 */

const EXPRESSION = /\{([^{}]*)\}/g;
const NAME = /^[A-Za-z0-9_]+$/;

/** The variables of a level-1 template in order of first use, or undefined when it uses anything beyond `{name}` (or none at all). */
export function templateVariables(template: string): string[] | undefined {
  const names: string[] = [];
  for (const match of template.matchAll(EXPRESSION)) {
    if (!NAME.test(match[1])) return undefined;
    if (!names.includes(match[1])) names.push(match[1]);
  }
  const outside = template.replace(EXPRESSION, '');
  if (names.length === 0 || /[{}\s]/.test(outside)) return undefined;
  return names;
}

/** RFC 6570 simple string expansion of one value: only ALPHA / DIGIT / "-" / "." / "_" / "~" stay as they are. */
function encodeValue(value: string): string {
  return Array.from(new TextEncoder().encode(value), (byte) => {
    const c = String.fromCharCode(byte);
    return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/** The template with every `{name}` replaced; throws when a variable has no value. */
export function expandUriTemplate(template: string, values: Record<string, string>): string {
  return template.replace(EXPRESSION, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for {${name}}`);
    return encodeValue(value);
  });
}

/**
 * Whether `uri` is what `template` expands to for some values: each
 * `{name}` matches one non-empty encoded value (unreserved characters and
 * %XX only, as `expandUriTemplate` makes it, and never one that decodes to
 * a `.` or `..` path segment or holds NUL), so a match never reaches past
 * the template's own path, query or fragment. False for a template this
 * module does not offer.
 */
export function matchesUriTemplate(template: string, uri: string): boolean {
  if (!templateVariables(template)) return false;
  const parts = template.split(EXPRESSION);
  // split() with a capture group alternates literal text and variable names.
  const pattern = parts.map((part, i) => (i % 2 === 1 ? '((?:[A-Za-z0-9\\-._~]|%[0-9A-Fa-f]{2})+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  const match = new RegExp(`^${pattern}$`).exec(uri);
  // A value holding a dot segment once decoded would reach past the template's path in a server that
  // decodes it and joins it onto a folder (file:///srv/docs/{name} with ".." or "..%2F..%2Fetc").
  return match !== null && match.slice(1).every((value) => !isPathEscape(value));
}

function isPathEscape(value: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return true;
  }
  // Encoded slashes stay allowed (a path in one variable is how simple expansion carries one); dot segments do not.
  return decoded.includes('\u0000') || decoded.split(/[/\\]/).some((segment) => segment === '.' || segment === '..');
}

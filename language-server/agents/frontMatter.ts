/**
 * The YAML-style front matter of the Markdown files people bring from other
 * assistants (agent files, skills): `key: value` lines between `---` fences,
 * read leniently. A value is a scalar (block scalars `|` and `>` joined), a
 * `[list]`, `a, b`, or the `- item` lines under its key; anything else is
 * ignored rather than an error, since the files are written for other tools.
 */

export type FrontMatterFields = Map<string, string | string[]>;

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) return v.slice(1, -1);
  return v;
}

/** A value as a list: `[a, 'b']`, `a, b`, or the `- a` lines that followed the key. */
export function asList(value: string | string[]): string[] {
  if (Array.isArray(value)) return value.map(unquote).filter(Boolean);
  const v = value.trim();
  const inner = v.startsWith('[') && v.endsWith(']') ? v.slice(1, -1) : v;
  return inner.split(',').map(unquote).filter(Boolean);
}

/** Front matter as raw values: a scalar (block scalars `|` / `>` joined), or the list of `- item` lines. */
function frontMatter(block: string): Map<string, string | string[]> {
  const out = new Map<string, string | string[]>();
  const lines = block.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const kv = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(lines[i]);
    if (!kv) continue;
    const key = kv[1].toLowerCase();
    const rest = kv[2].trim();
    const following: string[] = [];
    while (i + 1 < lines.length && (/^\s+\S/.test(lines[i + 1]) || /^-\s/.test(lines[i + 1]) || lines[i + 1].trim() === '')) following.push(lines[++i]);
    if (rest === '' && following.some((l) => /^\s*-\s+/.test(l))) {
      out.set(key, following.filter((l) => /^\s*-\s+/.test(l)).map((l) => l.replace(/^\s*-\s+/, '')));
    } else if (/^[|>][-+]?$/.test(rest)) {
      out.set(key, following.map((l) => l.trim()).join(rest.startsWith('|') ? '\n' : ' ').trim());
    } else {
      out.set(key, [rest, ...following.map((l) => l.trim())].filter(Boolean).join(' '));
    }
  }
  return out;
}

/** A file's front matter fields and the Markdown after them (the whole text when there is no front matter). */
export function splitFrontMatter(text: string): { fields: FrontMatterFields; body: string } {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const m = /^---\n([\s\S]*?)\n---(?:\n|$)/.exec(normalized);
  return { fields: m ? frontMatter(m[1]) : new Map(), body: (m ? normalized.slice(m[0].length) : normalized).trim() };
}

/** A field as one line of text (a list joined by spaces), or undefined when absent or empty. */
export function scalarField(fields: FrontMatterFields, key: string): string | undefined {
  const v = fields.get(key);
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v.join(' ') : unquote(v)).replace(/\s+/g, ' ').trim() || undefined;
}

/** Removes commas that directly precede `}` or `]`, outside strings: the slip models make most. */
function dropTrailingCommas(text: string): string {
  let out = '';
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      out += ch;
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    if (ch === ',') {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j])) j++;
      if (text[j] === '}' || text[j] === ']') continue;
    }
    out += ch;
  }
  return out;
}

/**
 * Parses JSON the way a model tends to write it: tolerates trailing commas
 * and prose around the object. Returns the parse error otherwise, so the
 * model can be told what to fix.
 */
export function parseLenientJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const candidates = [text.trim()];
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first >= 0 && last > first) candidates.push(text.slice(first, last + 1));
  let firstError = '';
  for (const candidate of candidates) {
    for (const attempt of [candidate, dropTrailingCommas(candidate)]) {
      try {
        return { ok: true, value: JSON.parse(attempt) };
      } catch (err) {
        firstError ||= (err as Error).message;
      }
    }
  }
  return { ok: false, error: firstError };
}

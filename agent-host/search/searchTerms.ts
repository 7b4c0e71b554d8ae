/**
 * Words as full-text search sees them: identifiers are split at camelCase,
 * snake_case and digits ("verifyJwtToken" → verify, jwt, token) and also kept
 * whole, lower-cased, with a light plural/verb-ending trim so "tokens" finds
 * "token". Common English and keyword noise is dropped so a question's
 * filler words do not outweigh its subject.
 */
const STOP_WORDS = new Set(
  (
    'a an and are as at be by do does for from how i if in into is it its of on or the this that these those to was what when where which who why will with ' +
    'can could should would we you your there their then than so not no yes get set use used using some any all each via about after before same ' +
    'const let var function return import export type interface new true false null undefined void async await else public private protected static class'
  ).split(' '),
);

function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith('es') && !word.endsWith('ses')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

const isUpper = (c: string) => c >= 'A' && c <= 'Z';
const isLowerOrDigit = (c: string) => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

/**
 * An identifier (letters and digits only) cut before each capital that
 * follows a lower-case letter or a digit ("verifyJwt" → verify, Jwt) and
 * before the last capital of a run followed by a lower-case letter
 * ("JWTToken" → JWT, Token). One pass over the name: the regular
 * expression this replaces, /([A-Z]+)([A-Z][a-z])/g, is quadratic in a run of
 * capitals no lower-case letter follows: a repository file holding one run of
 * 80,000 held the language server's thread for 4.7 s while it was indexed
 * (and again whenever the index was loaded; 100,000 took 12 s, a 512 KB file
 * minutes), and a team server's the same for a repository it indexes.
 */
function camelCaseParts(raw: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 1; i < raw.length; i++) {
    if (!isUpper(raw[i])) continue;
    const before = raw[i - 1];
    if (isLowerOrDigit(before) || (isUpper(before) && i + 1 < raw.length && raw[i + 1] >= 'a' && raw[i + 1] <= 'z')) {
      parts.push(raw.slice(start, i));
      start = i;
    }
  }
  parts.push(raw.slice(start));
  return parts;
}

/** The terms of `text`, in order, repeats kept (term frequency counts them). */
export function searchTerms(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.match(/[A-Za-z][A-Za-z0-9]*|[0-9]+/g) ?? []) {
    const parts = camelCaseParts(raw);
    const whole = raw.toLowerCase();
    if (parts.length > 1 && !STOP_WORDS.has(whole)) out.push(whole);
    for (const part of parts) {
      const w = part.toLowerCase();
      if (w.length < 2 || STOP_WORDS.has(w)) continue;
      out.push(stem(w));
    }
  }
  return out;
}

/** The terms of a path: its folder and file names, split the same way. */
export function pathTerms(relativePath: string): string[] {
  return searchTerms(relativePath.replace(/\.[A-Za-z0-9]+$/, '').replace(/[/_.-]+/g, ' '));
}

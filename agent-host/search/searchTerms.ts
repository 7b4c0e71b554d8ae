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

/** The terms of `text`, in order, repeats kept (term frequency counts them). */
export function searchTerms(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.match(/[A-Za-z][A-Za-z0-9]*|[0-9]+/g) ?? []) {
    const parts = raw.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').split(' ');
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

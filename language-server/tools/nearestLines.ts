/**
 * Finds where a failed `edit_file` most likely meant to edit. Small models
 * often reproduce a block with different indentation, a changed quote or a
 * missing line; showing them the real lines (with numbers) lets them retry
 * with an exact copy instead of guessing again.
 */

export interface NearestMatch {
  /** 1-based first line of the best window. */
  startLine: number;
  /** 1-based last line (inclusive). */
  endLine: number;
  /** 0..1; 1 means equal once whitespace is ignored. */
  similarity: number;
}

/** Collapses all whitespace so indentation and spacing differences do not count. */
function normalize(line: string): string {
  return line.replace(/\s+/g, ' ').trim();
}

function bigrams(text: string): Map<string, number> {
  const grams = new Map<string, number>();
  for (let i = 0; i < text.length - 1; i++) {
    const g = text.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  return grams;
}

/** Dice coefficient over character bigrams: cheap, and tolerant of small edits. */
function similarity(a: string, b: string, cache: Map<string, Map<string, number>>): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const ga = cache.get(a) ?? bigrams(a);
  cache.set(a, ga);
  const gb = cache.get(b) ?? bigrams(b);
  cache.set(b, gb);
  let overlap = 0;
  for (const [g, n] of ga) overlap += Math.min(n, gb.get(g) ?? 0);
  return (2 * overlap) / (a.length - 1 + (b.length - 1));
}

/** The window of file lines most similar to `needle`'s lines, or null when nothing is even remotely close. */
export function findNearestLines(fileLines: readonly string[], needleText: string, minSimilarity = 0.5): NearestMatch | null {
  const needle = needleText.split('\n').map((l) => normalize(l.replace(/\r$/, '')));
  while (needle.length > 1 && needle[needle.length - 1] === '') needle.pop();
  while (needle.length > 1 && needle[0] === '') needle.shift();
  const normalizedFile = fileLines.map(normalize);
  const window = Math.min(needle.length, normalizedFile.length);
  if (window === 0) return null;
  const cache = new Map<string, Map<string, number>>();
  // Bound the work on huge files: score only a prefix of the needle, shorter
  // the longer the file, so a miss never costs more than a few million comparisons.
  const probe = Math.max(1, Math.min(window, 40, Math.floor(2_000_000 / normalizedFile.length)));
  let best: NearestMatch | null = null;
  for (let start = 0; start + window <= normalizedFile.length; start++) {
    let score = 0;
    for (let i = 0; i < probe; i++) score += similarity(needle[i], normalizedFile[start + i], cache);
    const value = score / probe;
    if (!best || value > best.similarity) best = { startLine: start + 1, endLine: start + window, similarity: value };
    if (value === 1) break;
  }
  return best && best.similarity >= minSimilarity ? best : null;
}

/** Whether `needle` occurs in `haystack` once whitespace is ignored (the usual near miss). */
export function equalIgnoringWhitespace(a: string, b: string): boolean {
  return a.replace(/\s+/g, '') === b.replace(/\s+/g, '');
}

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

/**
 * The longest part of a line that is compared. A longer line (minified code,
 * a data row) is judged by its start, so one miss on a 10 MB file costs a
 * bounded amount of work.
 */
const MAX_COMPARED_CHARS = 1_000;

/** A line's character bigram, one pair of UTF-16 units as one number, so no string is made per pair. */
function bigramAt(text: string, i: number): number {
  return text.charCodeAt(i) * 0x10000 + text.charCodeAt(i + 1);
}

/** How many bigrams a line has, as compared. */
function bigramCount(text: string): number {
  return Math.max(0, Math.min(text.length, MAX_COMPARED_CHARS) - 1);
}

/**
 * The needle lines' bigrams, numbered: every distinct bigram gets a slot, and
 * each line lists its slots with their counts. A file line is then counted
 * into one reused array of slots, so a miss on a file of 250,000 lines makes
 * no garbage per line (a map per line took seconds of garbage collection).
 */
class NeedleGrams {
  private readonly slots = new Map<number, number>();
  private readonly lines: Array<{ slots: Int32Array; counts: Int32Array }> = [];
  private readonly counted: Int32Array;
  private readonly touched: number[] = [];

  constructor(needle: readonly string[]) {
    for (const line of needle) {
      const counts = new Map<number, number>();
      for (let i = 0; i < bigramCount(line); i++) {
        const gram = bigramAt(line, i);
        let slot = this.slots.get(gram);
        if (slot === undefined) this.slots.set(gram, (slot = this.slots.size));
        counts.set(slot, (counts.get(slot) ?? 0) + 1);
      }
      this.lines.push({ slots: Int32Array.from(counts.keys()), counts: Int32Array.from(counts.values()) });
    }
    this.counted = new Int32Array(this.slots.size);
  }

  /** Counts a file line's bigrams that some needle line has; `release` clears them again. */
  count(line: string): void {
    for (let i = 0; i < bigramCount(line); i++) {
      const slot = this.slots.get(bigramAt(line, i));
      if (slot === undefined) continue;
      if (this.counted[slot]++ === 0) this.touched.push(slot);
    }
  }

  release(): void {
    for (const slot of this.touched) this.counted[slot] = 0;
    this.touched.length = 0;
  }

  /** Dice coefficient over character bigrams between needle line `index` and the counted line: cheap, and tolerant of small edits. */
  similarity(index: number, needleLine: string, line: string): number {
    if (needleLine === line) return 1;
    const total = bigramCount(needleLine) + bigramCount(line);
    if (bigramCount(needleLine) === 0 || bigramCount(line) === 0) return 0;
    const { slots, counts } = this.lines[index];
    let overlap = 0;
    for (let k = 0; k < slots.length; k++) overlap += Math.min(counts[k], this.counted[slots[k]]);
    return (2 * overlap) / total;
  }
}

/** The window of file lines most similar to `needle`'s lines, or null when nothing is even remotely close. */
export function findNearestLines(fileLines: readonly string[], needleText: string, minSimilarity = 0.5): NearestMatch | null {
  const needle = needleText.split('\n').map((l) => normalize(l.replace(/\r$/, '')));
  while (needle.length > 1 && needle[needle.length - 1] === '') needle.pop();
  while (needle.length > 1 && needle[0] === '') needle.shift();
  const window = Math.min(needle.length, fileLines.length);
  if (window === 0) return null;
  // Bound the work on huge files: score only a prefix of the needle, shorter
  // the longer the file, so a miss never costs more than a few million comparisons.
  const probe = Math.max(1, Math.min(window, 40, Math.floor(2_000_000 / fileLines.length)));
  const grams = new NeedleGrams(needle.slice(0, probe));
  // Each file line is read once and its score added to every window it is in, so nothing is kept per line
  // (a cache of every line's bigrams took hundreds of megabytes on a 10 MB file).
  const windows = fileLines.length - window + 1;
  const scores = new Float64Array(windows);
  const lastLine = Math.min(fileLines.length, windows - 1 + probe);
  for (let j = 0; j < lastLine; j++) {
    const raw = fileLines[j];
    const line = normalize(raw.length > 4 * MAX_COMPARED_CHARS ? raw.slice(0, 4 * MAX_COMPARED_CHARS) : raw);
    grams.count(line);
    for (let i = Math.max(0, j - windows + 1); i < probe && i <= j; i++) scores[j - i] += grams.similarity(i, needle[i], line);
    grams.release();
  }
  let best: NearestMatch | null = null;
  for (let start = 0; start < windows; start++) {
    const value = scores[start] / probe;
    if (!best || value > best.similarity) best = { startLine: start + 1, endLine: start + window, similarity: value };
    if (value === 1) break;
  }
  return best && best.similarity >= minSimilarity ? best : null;
}

/** Whether `needle` occurs in `haystack` once whitespace is ignored (the usual near miss). */
export function equalIgnoringWhitespace(a: string, b: string): boolean {
  return a.replace(/\s+/g, '') === b.replace(/\s+/g, '');
}

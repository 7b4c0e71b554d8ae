/**
 * Shared by the language server (the tool results' "+N −M", the one owner of
 * those numbers) and the extension (an edit approval's card), so both count
 * a change the same way. Pure, so the webview could use it too.
 */

/** Above this many cells the exact count is skipped for a cheap upper bound: a summary must never stall the editor. */
const MAX_CELLS = 4_000_000;

/**
 * How many lines a change adds and removes (the "+N −M" of a diff), from the
 * longest common subsequence of the lines that differ. Very large changes
 * fall back to counting every differing line between the common head and tail.
 */
export function lineChangeCounts(oldText: string | null, newText: string): { added: number; removed: number } {
  const a = linesOf(oldText ?? '');
  const b = linesOf(newText);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const oldLines = a.slice(start, endA);
  const newLines = b.slice(start, endB);
  if (oldLines.length * newLines.length > MAX_CELLS) return { added: newLines.length, removed: oldLines.length };
  const common = lcsLength(oldLines, newLines);
  return { added: newLines.length - common, removed: oldLines.length - common };
}

function lcsLength(a: string[], b: string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) current[j] = a[i - 1] === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}

/** A file's lines: the newline that ends the last line does not start another (a 12-line file is 12 lines, not 13). */
function linesOf(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

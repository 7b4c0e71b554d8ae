/**
 * What the reviewing model reads of one file: its changed lines with their
 * line numbers in the file as it is now, so that every comment the model
 * writes can be anchored to a line the user sees, and checked against the
 * lines it was actually shown.
 */

/** One line of a listing: new (`+`), removed (`-`, no number: it no longer exists) or unchanged context. */
export interface ListedLine {
  /** 1-based line in the current file; absent for a removed line. */
  line?: number;
  mark: '+' | '-' | ' ';
  text: string;
}

export interface ReviewListing {
  /** The path the model sees (workspace-relative). */
  path: string;
  uri: string;
  /** Runs of lines; a gap between two runs is unchanged code the model was not shown. */
  hunks: ListedLine[][];
  /** Current-file line numbers the model was shown (1-based). */
  shown: Set<number>;
}

/**
 * The hunks of one file's unified diff (`git diff HEAD -- file`), numbered
 * by the new side. Headers, "\ No newline at end of file" and anything
 * outside a hunk are skipped; a binary file's diff has no hunks.
 */
export function hunksFromDiff(diff: string): ListedLine[][] {
  const hunks: ListedLine[][] = [];
  let current: ListedLine[] | undefined;
  let next = 0;
  for (const raw of diff.split('\n')) {
    const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
    if (header) {
      next = Number(header[1]);
      current = [];
      hunks.push(current);
      continue;
    }
    if (!current) continue;
    if (raw.startsWith('+')) current.push({ line: next++, mark: '+', text: raw.slice(1) });
    else if (raw.startsWith(' ')) current.push({ line: next++, mark: ' ', text: raw.slice(1) });
    else if (raw.startsWith('-')) current.push({ mark: '-', text: raw.slice(1) });
    else if (raw.startsWith('diff --git')) current = undefined;
  }
  return hunks.filter((h) => h.length > 0);
}

/** Lines `first`..`last` (1-based, inclusive) of `text` as one hunk, marked as new or as context. */
export function hunkOfLines(text: string, first: number, last: number, mark: '+' | ' '): ListedLine[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const hunk: ListedLine[] = [];
  for (let n = Math.max(1, first); n <= Math.min(last, lines.length); n++) hunk.push({ line: n, mark, text: lines[n - 1] });
  return hunk;
}

export function listing(path: string, uri: string, hunks: ListedLine[][]): ReviewListing {
  const shown = new Set<number>();
  for (const hunk of hunks) for (const l of hunk) if (l.line !== undefined) shown.add(l.line);
  return { path, uri, hunks, shown };
}

/**
 * The listing as text: `  12 + code` for a new line, `  13   code` for
 * context, `     - code` for a removed one, `   …` between hunks. Numbers are
 * right-aligned so the code's own indentation stays readable.
 */
export function renderListing(l: ReviewListing): string {
  const width = String(Math.max(0, ...l.shown)).length;
  const rows: string[] = [];
  l.hunks.forEach((hunk, i) => {
    if (i > 0) rows.push(`${' '.repeat(width)}   …`);
    for (const line of hunk) rows.push(`${(line.line === undefined ? '' : String(line.line)).padStart(width)} ${line.mark} ${line.text}`);
  });
  return rows.join('\n');
}

/** The listing cut to whole hunks (and the first hunk to whole lines) so its text stays under `maxChars`; whether anything was cut. */
export function cutListing(l: ReviewListing, maxChars: number): { listing: ReviewListing; cut: boolean } {
  if (renderListing(l).length <= maxChars) return { listing: l, cut: false };
  const hunks: ListedLine[][] = [];
  let size = 0;
  for (const hunk of l.hunks) {
    const kept: ListedLine[] = [];
    for (const line of hunk) {
      size += line.text.length + 12;
      if (size > maxChars) break;
      kept.push(line);
    }
    if (kept.length > 0) hunks.push(kept);
    if (size > maxChars) break;
  }
  return { listing: listing(l.path, l.uri, hunks), cut: true };
}

import { estimateTokens } from '../core/tokenEstimate';

/** One piece of a file, as indexed and returned by search. Lines are 1-based and inclusive. */
export interface TextChunk {
  startLine: number;
  endLine: number;
  text: string;
}

export interface ChunkOptions {
  /** Upper bound on a chunk's estimated tokens (the agent core's estimate). */
  maxTokens: number;
}

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { maxTokens: 400 };

const MARKDOWN = /\.(md|mdx|markdown|rst|adoc|txt)$/i;
/** Languages whose blocks are delimited by indentation, not braces. */
const INDENTED = /\.(py|pyi|yaml|yml|rb|nim|coffee)$/i;
/**
 * A line that only closes what a block opened: it belongs to the block above,
 * never starts one. Closers, then optionally a `;` or `,` and more of `;,)`:
 * the same lines as `[}\])]+[;,)]*`, whose two runs both take `)` and so
 * backtracked quadratically over a line of `)` not followed by the end: a
 * repository file with one line of 60,000 took 9 s to chunk, on the team
 * server's thread or in the language server's index worker (which stops a
 * file after 30 s, so every such file cost the index that long).
 */
const CLOSER = /^\s*(?:[}\])]+(?:[;,][;,)]*)?\s*$|end\b|fi\b|done\b|esac\b)/;
/** Comments, decorators and attributes attach to the declaration below them. */
const PREAMBLE = /^\s*(?:\/\/|\/\*|\*|#(?!\[)|#\[|@[A-Za-z]|"""|'''|--)/;

/**
 * Splits a file into contiguous, non-overlapping chunks along its syntax:
 * Markdown and other prose at headings, code at top-level declarations (a
 * line at the file's outer indentation that does not merely close a block),
 * with the comments and decorators just above a declaration kept with it.
 * Small neighbouring blocks are merged up to `maxTokens`; a block larger than
 * that is cut at its own inner boundaries (blank lines, then any line), so no
 * chunk exceeds the budget unless a single line does. This is a heuristic by
 * design: it needs no grammar, so it works the same for every language and
 * never fails on code that does not parse; the symbol index owns real parsing.
 */
export function chunkText(relativePath: string, text: string, options: ChunkOptions = DEFAULT_CHUNK_OPTIONS): TextChunk[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) return [];
  const starts = MARKDOWN.test(relativePath) ? markdownBoundaries(lines) : codeBoundaries(lines, INDENTED.test(relativePath));
  const blocks: [number, number][] = [];
  for (let i = 0; i < starts.length; i++) blocks.push([starts[i], (starts[i + 1] ?? lines.length) - 1]);

  const tokensOf = (from: number, to: number) => estimateTokens(lines.slice(from, to + 1).join('\n'));
  const pieces: [number, number][] = [];
  for (const [from, to] of blocks) {
    if (tokensOf(from, to) <= options.maxTokens) pieces.push([from, to]);
    else pieces.push(...splitLarge(lines, from, to, options.maxTokens));
  }
  // Greedy merge of neighbours: fewer, fuller chunks embed better than many one-liners.
  const merged: [number, number][] = [];
  for (const piece of pieces) {
    const last = merged[merged.length - 1];
    if (last && tokensOf(last[0], piece[1]) <= options.maxTokens) last[1] = piece[1];
    else merged.push([piece[0], piece[1]]);
  }
  return merged
    .map(([from, to]) => ({ startLine: from + 1, endLine: to + 1, text: lines.slice(from, to + 1).join('\n') }))
    .filter((c) => c.text.trim() !== '');
}

function markdownBoundaries(lines: string[]): number[] {
  const starts = [0];
  let fence = false;
  for (let i = 1; i < lines.length; i++) {
    if (/^\s*(```|~~~)/.test(lines[i])) fence = !fence;
    if (!fence && /^#{1,6}\s/.test(lines[i])) starts.push(i);
  }
  return starts;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function codeBoundaries(lines: string[], indented: boolean): number[] {
  // The outer indentation is the smallest one used by a non-blank line (0 in almost every file).
  let outer = Infinity;
  for (const line of lines) if (line.trim() !== '') outer = Math.min(outer, indentOf(line));
  const starts = [0];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || indentOf(line) !== outer || CLOSER.test(line)) continue;
    const prev = previousNonBlank(lines, i);
    // A declaration starts after a blank line or a completed block; a run of top-level statements
    // without blank lines between them (imports, a list) stays together.
    const afterBlank = lines[i - 1].trim() === '';
    const afterBlock = prev >= 0 && (CLOSER.test(lines[prev]) || (indented && indentOf(lines[prev]) > outer));
    if (!afterBlank && !afterBlock) continue;
    if (PREAMBLE.test(lines[prev >= 0 ? prev : i]) && !afterBlank && !afterBlock) continue;
    starts.push(i);
  }
  return attachPreambles(lines, starts);
}

/** Moves each boundary up over the comments and decorators that directly precede it. */
function attachPreambles(lines: string[], starts: number[]): number[] {
  const moved = starts.map((start, index) => {
    if (index === 0) return start;
    let s = start;
    while (s - 1 > starts[index - 1] && lines[s - 1].trim() !== '' && PREAMBLE.test(lines[s - 1]) && !PREAMBLE.test(lines[start])) s--;
    return s;
  });
  return [...new Set(moved)].sort((a, b) => a - b);
}

function previousNonBlank(lines: string[], i: number): number {
  for (let j = i - 1; j >= 0; j--) if (lines[j].trim() !== '') return j;
  return -1;
}

/** Cuts lines [from, to] into pieces within budget, preferring to cut after a blank line. */
function splitLarge(lines: string[], from: number, to: number, maxTokens: number): [number, number][] {
  const out: [number, number][] = [];
  let start = from;
  let tokens = 0;
  let lastBlank = -1;
  for (let i = from; i <= to; i++) {
    const t = estimateTokens(lines[i]) + 1;
    if (tokens + t > maxTokens && i > start) {
      const cut = lastBlank > start ? lastBlank : i - 1;
      out.push([start, cut]);
      start = cut + 1;
      tokens = estimateTokens(lines.slice(start, i).join('\n'));
      lastBlank = -1;
    }
    tokens += t;
    if (lines[i].trim() === '') lastBlank = i;
  }
  if (start <= to) out.push([start, to]);
  return out;
}

import { ALL_FIM_SENTINELS } from '../../agent-host';
import { findHiddenCharacter } from '../../protocol/hiddenCharacters';
import { bracketContextAt, countClosers, scanSuggestionBrackets } from './bracketScan';
import { lineCommentToken } from './commentLine';

/** What post-processing needs to know about the place the suggestion goes. */
export interface SuggestionContext {
  /** Document text before the cursor (a window of it is enough). */
  prefix: string;
  /** Document text after the cursor. */
  suffix: string;
  /** False when the cursor has code after it on its line: then only the rest of that line is suggested. */
  multiline: boolean;
  maxLines: number;
  languageId: string;
}

/** How much of the prefix the bracket scan reads; brackets opened further back rarely matter to a suggestion. */
const BRACKET_WINDOW = 4000;
const CLOSING_LINE = /^\s*([}\])]|end\b|fi\b|done\b|esac\b|<\/)/;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function lastLine(text: string): string {
  return text.slice(text.lastIndexOf('\n') + 1);
}

/** Cuts the text at the first fill-in-the-middle sentinel a model leaked into it. */
function cutAtSentinel(text: string): string {
  let end = text.length;
  for (const sentinel of ALL_FIM_SENTINELS) {
    const at = text.indexOf(sentinel);
    if (at >= 0 && at < end) end = at;
  }
  return text.slice(0, end);
}

/**
 * Cuts the text before the first character the user cannot see (a
 * bidirectional control, a zero-width or tag character, a non-breaking space:
 * protocol/hiddenCharacters.ts) that the code around the cursor does not
 * already use. Ghost text is accepted with one key, often without reading it
 * closely, and a model that repeats a hostile file's Trojan Source would
 * otherwise put code that reads other than it runs into the user's file. A
 * project that uses such a character (right-to-left text in strings) keeps
 * getting suggestions with it.
 */
function cutAtHiddenCharacter(text: string, context: Pick<SuggestionContext, 'prefix' | 'suffix'>): string {
  let from = 0;
  for (let hidden = findHiddenCharacter(text); hidden; hidden = findHiddenCharacter(text.slice(from))) {
    const at = from + hidden.index;
    if (!context.prefix.includes(hidden.char) && !context.suffix.includes(hidden.char)) return text.slice(0, at);
    from = at + hidden.char.length;
  }
  return text;
}

/**
 * Keeps a multi-line suggestion inside the block the cursor is in: it ends
 * before a line that leaves the block (less indented than the cursor line),
 * and after the line that closes a block the suggestion itself opened. It
 * also stops where the suggestion starts repeating the code after the cursor
 * and at `maxLines`.
 */
export function truncateMultiline(text: string, context: Pick<SuggestionContext, 'prefix' | 'suffix' | 'maxLines'>): string {
  const lines = text.split('\n');
  const lineBefore = lastLine(context.prefix);
  const cursorLine = lineBefore + lines[0];
  // The first line of the code after the cursor that is not blank: a suggestion reaching it is duplicating it.
  const nextCodeLine = context.suffix.split('\n').slice(1).find((l) => l.trim() !== '')?.trimEnd();
  let base = cursorLine.trim() === '' ? -1 : indentOf(cursorLine);
  let wentDeeper = false;
  let shown = lines[0] === '' ? 0 : 1;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    if (nextCodeLine !== undefined && line.trimEnd() === nextCodeLine) return lines.slice(0, i).join('\n');
    if (++shown > context.maxLines) return lines.slice(0, i).join('\n');
    const indent = indentOf(line);
    if (base < 0) {
      base = indent;
      continue;
    }
    if (indent < base) return lines.slice(0, i).join('\n');
    if (indent > base) {
      wentDeeper = true;
    } else if (wentDeeper) {
      // Back at the cursor's level after a deeper block: a closing line ends that block, anything else is a sibling.
      return lines.slice(0, CLOSING_LINE.test(line) ? i + 1 : i).join('\n');
    }
  }
  return text;
}

/**
 * Whether the suggestion's first line, put on the cursor's line, makes that
 * line the same as the next line of code after it: a fill-in-the-middle model
 * on a blank line often writes out the line that follows, and accepting that
 * would duplicate it. Only when the cursor's line has nothing after the
 * cursor; otherwise the overlap with the rest of the line is removed instead.
 */
function repeatsNextLine(text: string, context: Pick<SuggestionContext, 'prefix' | 'suffix'>): boolean {
  const first = text.split('\n', 1)[0];
  if (first.trim() === '') return false;
  const [restOfLine, ...after] = context.suffix.split('\n');
  if (restOfLine.trim() !== '') return false;
  const next = after.find((l) => l.trim() !== '');
  return next !== undefined && (lastLine(context.prefix) + first).trimEnd() === next.trimEnd();
}

/** Drops output that repeats the line just typed or loops on one line. */
function cutRepetition(text: string, prefix: string): string {
  const lines = text.split('\n');
  const prefixLines = prefix.split('\n');
  const cursorLine = prefixLines.pop() ?? '';
  const previous = [...prefixLines].reverse().find((l) => l.trim() !== '')?.trim();
  const firstShown = lines[0].trim() !== '' ? (cursorLine + lines[0]).trim() : lines.find((l) => l.trim() !== '')?.trim();
  if (previous && previous.length >= 4 && firstShown === previous) return '';
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line !== '' && line === lines[i - 1].trim() && line === lines[i - 2].trim()) return lines.slice(0, i - 1).join('\n');
  }
  return text;
}

/**
 * Removes the end of the suggestion that the rest of the line already has
 * (`foo(|)` + `a, b)` → `a, b`). Brackets are only removed when the suggestion
 * closed brackets it did not open, so `foo(|)` + `bar(x)` keeps its own `)`.
 */
function removeLineOverlap(text: string, restOfLine: string, closedOuter: number): string {
  const last = lastLine(text);
  for (let k = Math.min(last.length, restOfLine.length); k > 0; k--) {
    const overlap = restOfLine.slice(0, k);
    if (!last.endsWith(overlap) || overlap.trim() === '') continue;
    if (countClosers(overlap) > closedOuter) continue;
    return text.slice(0, text.length - k);
  }
  return text;
}

/**
 * Turns a model's raw output into the suggestion to show, or undefined when
 * nothing worth showing is left: cut at leaked sentinels and at characters
 * the user cannot see, one line when the
 * cursor has code after it, kept inside the current block, free of text the
 * document already has after the cursor, with balanced brackets, and neither
 * whitespace-only nor a repeat of what was just typed or of the next line.
 */
export function postProcessCompletion(raw: string, context: SuggestionContext): string | undefined {
  let text = cutAtHiddenCharacter(cutAtSentinel(raw).replace(/\r\n/g, '\n'), context);
  text = context.multiline ? truncateMultiline(text, context) : text.split('\n', 1)[0];
  if (repeatsNextLine(text, context)) return undefined;
  text = cutRepetition(text, context.prefix);
  const comment = lineCommentToken(context.languageId);
  const brackets = bracketContextAt(context.prefix.slice(-BRACKET_WINDOW), comment);
  const scan = scanSuggestionBrackets(text, brackets, comment);
  if (scan.firstMismatch >= 0) text = text.slice(0, scan.firstMismatch);
  // The last line of the suggestion is the one the rest of the cursor's line ends up after.
  const restOfLine = context.suffix.split('\n', 1)[0];
  text = removeLineOverlap(text, restOfLine.trimEnd(), scan.closedOuter);
  // trimEnd, not /\s+$/: that regular expression takes time quadratic in a long run of spaces inside the text.
  text = text.trimEnd();
  return text.trim() === '' ? undefined : text;
}

/**
 * Whether a streaming suggestion already has everything it will show, so the
 * rest of the generation can be cancelled: a single-line suggestion at its
 * first line break, a multi-line one once its complete lines reach the block
 * end or `maxLines`.
 */
export function isSuggestionComplete(partial: string, context: SuggestionContext): boolean {
  const lastBreak = partial.lastIndexOf('\n');
  if (lastBreak < 0) return false;
  if (!context.multiline) return true;
  const complete = partial.slice(0, lastBreak);
  return truncateMultiline(complete, context).length < complete.length;
}

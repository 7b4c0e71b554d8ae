/**
 * The text `@problems` attaches, built from plain data so that the ordering
 * and the bounds can be tested without VS Code (see problemsContext.ts for
 * where the data comes from).
 */
import { revealHiddenInLine } from '../../protocol/hiddenCharacters';

/** One diagnostic as `@problems` reports it. Info and hints never get this far. */
export interface ProblemEntry {
  /** Workspace-relative path. */
  path: string;
  /** 1-based line and column. */
  line: number;
  column: number;
  severity: 'error' | 'warning';
  /** The tool that reported it ("ts", "eslint"), when it says. */
  source?: string;
  /** Its rule or error number ("2322", "no-unused-vars"), when it has one. */
  code?: string;
  message: string;
  /** The offending line of the file, when it could be read. */
  sourceLine?: string;
}

export interface ProblemsReportOptions {
  /** The active editor's file (workspace-relative): its problems lead, since that is usually what the question is about. */
  activePath?: string;
  /** At most this many problems are listed. */
  maxProblems?: number;
  /** The whole text stays under this many characters. */
  maxChars?: number;
}

export const MAX_PROBLEMS = 50;
export const MAX_PROBLEMS_CHARS = 20_000;
/** A message or a source line longer than this is cut: one minified line must not use up the budget. */
const MAX_LINE_CHARS = 300;
export const NO_PROBLEMS_TEXT = 'No errors or warnings in the workspace (VS Code reports none right now; info and hints are not attached).';

/**
 * The order `@problems` lists them in: the active file's problems first, then
 * errors before warnings, each group by file, line and column. Bounding keeps
 * the head of this order, so errors are the last thing to be left out.
 */
export function sortProblems<T extends ProblemEntry>(problems: readonly T[], activePath?: string): T[] {
  const rank = (p: ProblemEntry) => (p.path === activePath ? 0 : 1);
  const severity = (p: ProblemEntry) => (p.severity === 'error' ? 0 : 1);
  return [...problems].sort(
    (a, b) => rank(a) - rank(b) || severity(a) - severity(b) || compareText(a.path, b.path) || a.line - b.line || a.column - b.column,
  );
}

/** Code-unit order, so the listing does not depend on the machine's locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s*[\r\n\u2028\u2029\x85]\s*/g, ' ').trim();
  return oneLine.length > MAX_LINE_CHARS ? `${oneLine.slice(0, MAX_LINE_CHARS)}…` : oneLine;
}

/**
 * A name on one line, each hidden character shown as ⟨U+XXXX⟩: a file's path
 * comes from the repository (and a diagnostic's source and code from a
 * language server or linter it configures), and a raw newline in
 * "a.ts", newline, "src/auth.ts:1:1 error …" would forge a problem.
 */
function oneLine(name: string): string {
  return revealHiddenInLine(name).text;
}

/** `path:line:col severity [source code] message`, then the offending line, indented. */
export function formatProblem(p: ProblemEntry): string {
  const origin = [p.source, p.code].filter((s): s is string => !!s && s.trim() !== '').map(oneLine).join(' ');
  const head = `${oneLine(p.path)}:${p.line}:${p.column} ${p.severity}${origin ? ` [${origin}]` : ''} ${shorten(p.message)}`;
  return p.sourceLine !== undefined && p.sourceLine.trim() !== '' ? `${head}\n    ${shorten(p.sourceLine)}` : head;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The attachment: a count line, then each problem in `sortProblems` order,
 * at most `maxProblems` and `maxChars`, with a closing note saying how many
 * were left out. No problems gives one sentence that says so, never an
 * empty attachment.
 */
export function problemsReport(problems: readonly ProblemEntry[], options: ProblemsReportOptions = {}): string {
  if (problems.length === 0) return NO_PROBLEMS_TEXT;
  const maxProblems = options.maxProblems ?? MAX_PROBLEMS;
  const maxChars = options.maxChars ?? MAX_PROBLEMS_CHARS;
  const sorted = sortProblems(problems, options.activePath);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const header = `${count(errors, 'error')} and ${count(problems.length - errors, 'warning')} in the workspace (VS Code's Problems; info and hints left out):`;
  const lines = [header];
  // Room for the closing note, so adding it cannot push the text past the cap.
  let used = header.length + 120;
  for (const p of sorted.slice(0, maxProblems)) {
    const text = formatProblem(p);
    if (used + text.length + 1 > maxChars) break;
    used += text.length + 1;
    lines.push(text);
  }
  const shown = lines.length - 1;
  if (shown < sorted.length) {
    const why = shown < Math.min(maxProblems, sorted.length) ? `the attachment is capped at ${maxChars} characters` : `at most ${maxProblems} are attached`;
    lines.push(`(${count(sorted.length - shown, 'more problem')} left out: ${why}.)`);
  }
  return lines.join('\n');
}

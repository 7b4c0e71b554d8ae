import * as vm from 'node:vm';
import { compileGlob } from './globPattern';
import { GREP_MAX_FILE_BYTES, shortenLine, type GrepHit, type GrepOutcome, type GrepQuery } from './grepSearch';
import { PathChangedError } from './pinnedFiles';
import { looksBinary } from './textFiles';
import { GLOB_TOO_SLOW, TimedGlob } from './timedGlob';
import { ToolError } from './toolError';
import { walkFiles } from './workspaceWalker';

/**
 * Translates the common differences between ripgrep's Rust regex syntax and
 * JavaScript's, so a pattern written for ripgrep works in the fallback too:
 * a leading `(?i)` flag and Python-style named groups.
 */
export function toJavaScriptRegExp(pattern: string, caseSensitive: boolean): RegExp {
  let source = pattern;
  let ignoreCase = !caseSensitive;
  if (source.startsWith('(?i)')) {
    ignoreCase = true;
    source = source.slice(4);
  }
  source = source.replace(/\(\?P</g, '(?<');
  try {
    return new RegExp(source, ignoreCase ? 'i' : '');
  } catch (e) {
    throw new ToolError(`The pattern is not a valid regular expression: ${(e as Error).message}`, 'bad pattern');
  }
}

/**
 * How long the pattern may run over all the files of one search. The pattern
 * is the model's, and JavaScript's regular expressions backtrack: "(a+)+$"
 * over a repository's line of 30 "a"s and a "!" takes minutes, on the
 * language server's only thread, where no cancel can reach it. ripgrep's
 * engine does not backtrack, so only this fallback needs a bound.
 */
export const REGEX_BUDGET_MS = 5_000;

const MATCH_LINES = new vm.Script(
  "files.map((lines) => { const out = []; for (let i = 0; i < lines.length; i++) { const l = lines[i]; if (regex.test(l.endsWith('\\r') ? l.slice(0, -1) : l)) out.push(i); } return out; })",
);

/** Files are matched in batches of at most this many, or this many bytes: each timed run starts a watchdog thread. */
const BATCH_FILES = 64;
const BATCH_BYTES = 1024 * 1024;

/**
 * Returns a function giving, for each file's lines, the indexes of the lines
 * `regex` matches (a trailing CR ignored), run in a vm context with a
 * timeout: V8 interrupts a running regular expression when the timeout
 * passes, which no other JavaScript can do. One context per search, since
 * creating one costs more than searching a small file.
 */
function lineMatcher(regex: RegExp): (files: string[][], timeoutMs: number) => number[][] {
  const context = vm.createContext({ regex, files: [] as string[][] });
  return (files, timeoutMs) => {
    context.files = files;
    try {
      return MATCH_LINES.runInContext(context, { timeout: Math.max(1, Math.ceil(timeoutMs)) }) as number[][];
    } finally {
      context.files = [];
    }
  };
}

/** Searches with the workspace walker and JavaScript regular expressions, for machines without ripgrep. */
export async function javascriptSearch(query: GrepQuery): Promise<GrepOutcome> {
  const regex = toJavaScriptRegExp(query.pattern, query.caseSensitive);
  const matchingLines = lineMatcher(regex);
  let budgetMs = REGEX_BUDGET_MS;
  const glob = query.glob ? new TimedGlob(compileGlob(query.glob, { braces: true })) : null;
  const hits: GrepHit[] = [];
  const warnings: string[] = [];
  const limits = { truncated: false };
  const changed = { count: 0 };
  let skippedHardLinks = 0;
  let truncated = false;
  let globTooSlow = false;
  let pending: { relativeToRoot: string; lines: string[] }[] = [];
  let pendingBytes = 0;

  /** Matches the files read so far, in order; false when the search must stop (enough hits, or the budget spent). */
  const matchPending = (): boolean => {
    const batch = pending;
    pending = [];
    pendingBytes = 0;
    if (batch.length === 0) return true;
    const started = performance.now();
    let matched: number[][];
    try {
      matched = matchingLines(
        batch.map((f) => f.lines),
        budgetMs,
      );
    } catch {
      warnings.push(
        `the pattern took longer than ${REGEX_BUDGET_MS / 1000} s to run (without ripgrep, a pattern that can match the same text in many ways, such as "(a+)+", backtracks); ` +
          `results stop before ${batch[0].relativeToRoot}. Use a simpler pattern, or narrow the search with "path" or "glob"`,
      );
      truncated = true;
      return false;
    }
    budgetMs -= performance.now() - started;
    for (let f = 0; f < batch.length; f++) {
      const { relativeToRoot, lines } = batch[f];
      for (const i of matched[f]) {
        if (hits.length >= query.maxMatches) {
          truncated = true;
          return false;
        }
        const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
        hits.push({ relativeToRoot, line: i + 1, text: shortenLine(line, query.maxLineChars) });
      }
    }
    return true;
  };

  for await (const file of walkFiles(query.rootPath, query.searchPath, { signal: query.signal, limits, changed })) {
    // An explicitly named file is searched whatever the glob says, as ripgrep does.
    if (glob && file.relativeToRoot !== query.searchPath) {
      const matched = glob.matches(file.relativeToRoot, false);
      if (matched === undefined) {
        // The files read so far are still matched below; only the walk stops.
        warnings.push(`results stop before ${file.relativeToRoot}: ${GLOB_TOO_SLOW}`);
        globTooSlow = true;
        break;
      }
      if (glob.glob.negated ? matched : !matched) continue;
    }
    // Read through the pinned folder the walk listed it in, never by name from the root.
    let bytes: Buffer;
    try {
      const handle = await file.open();
      try {
        const stat = handle.stat;
        if (!stat.isFile() || stat.size > GREP_MAX_FILE_BYTES) continue;
        if (stat.nlink > 1) {
          skippedHardLinks++;
          continue;
        }
        bytes = await handle.handle.readFile();
      } finally {
        await handle.close();
      }
    } catch (e) {
      if (e instanceof PathChangedError) changed.count++;
      else warnings.push(`${file.relativeToRoot} could not be read`);
      continue;
    }
    if (looksBinary(bytes)) continue;
    const lines = bytes.toString('utf8').split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    pending.push({ relativeToRoot: file.relativeToRoot, lines });
    pendingBytes += bytes.length;
    if ((pending.length >= BATCH_FILES || pendingBytes >= BATCH_BYTES) && !matchPending()) break;
  }
  if (!truncated) matchPending();
  if (globTooSlow) truncated = true;
  if (limits.truncated) {
    truncated = true;
    warnings.push('the workspace has too many files to search them all; narrow the search with "path" or "glob"');
  }
  if (changed.count > 0) warnings.push(`${changed.count} file(s) or folder(s) were replaced by a symlink while being searched and were skipped`);
  return { hits, truncated, warnings, engine: 'javascript', skippedHardLinks };
}

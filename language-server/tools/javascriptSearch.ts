import { compileGlob } from './globPattern';
import { GREP_MAX_FILE_BYTES, shortenLine, type GrepHit, type GrepOutcome, type GrepQuery } from './grepSearch';
import { PathChangedError } from './pinnedFiles';
import { looksBinary } from './textFiles';
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

/** Searches with the workspace walker and JavaScript regular expressions, for machines without ripgrep. */
export async function javascriptSearch(query: GrepQuery): Promise<GrepOutcome> {
  const regex = toJavaScriptRegExp(query.pattern, query.caseSensitive);
  const glob = query.glob ? compileGlob(query.glob, { braces: true }) : null;
  const hits: GrepHit[] = [];
  const warnings: string[] = [];
  const limits = { truncated: false };
  const changed = { count: 0 };
  let skippedHardLinks = 0;
  let truncated = false;

  for await (const file of walkFiles(query.rootPath, query.searchPath, { signal: query.signal, limits, changed })) {
    // An explicitly named file is searched whatever the glob says, as ripgrep does.
    if (glob && file.relativeToRoot !== query.searchPath) {
      const matched = glob.matches(file.relativeToRoot, false);
      if (glob.negated ? matched : !matched) continue;
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
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
      if (!regex.test(line)) continue;
      if (hits.length >= query.maxMatches) {
        truncated = true;
        break;
      }
      hits.push({ relativeToRoot: file.relativeToRoot, line: i + 1, text: shortenLine(line, query.maxLineChars) });
    }
    if (truncated) break;
  }
  if (limits.truncated) {
    truncated = true;
    warnings.push('the workspace has too many files to search them all; narrow the search with "path" or "glob"');
  }
  if (changed.count > 0) warnings.push(`${changed.count} file(s) or folder(s) were replaced by a symlink while being searched and were skipped`);
  return { hits, truncated, warnings, engine: 'javascript', skippedHardLinks };
}

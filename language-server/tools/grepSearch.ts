/**
 * The contract both grep engines (ripgrep and the JavaScript fallback) meet,
 * so the grep tool formats one shape whatever ran: same ignore rules (.gitignore
 * without requiring a Git repository, hidden files included, .git/ excluded,
 * symlinks not followed, binary and very large files skipped), same order
 * (by path), same glob semantics.
 */

export interface GrepQuery {
  /** Real path of the workspace folder; paths in hits are relative to it. */
  rootPath: string;
  /** Directory or file to search, relative to `rootPath` ('' for the whole folder). */
  searchPath: string;
  /** Regular expression in ripgrep (Rust) syntax. */
  pattern: string;
  /** Only search files matching this glob (gitignore semantics); a leading `!` excludes. */
  glob?: string;
  caseSensitive: boolean;
  /** Stop after this many matching lines. */
  maxMatches: number;
  /** Lines longer than this are shortened. */
  maxLineChars: number;
  signal: AbortSignal;
}

export interface GrepHit {
  /** Relative to the folder, `/`-separated. */
  relativeToRoot: string;
  /** 1-based. */
  line: number;
  text: string;
}

export interface GrepOutcome {
  hits: GrepHit[];
  /** More matches exist than were returned. */
  truncated: boolean;
  /** Non-fatal problems (unreadable files, a search that was cut short). */
  warnings: string[];
  engine: 'ripgrep' | 'javascript';
  /**
   * Files skipped because they have more than one hard link: the same file
   * may also be a file outside the workspace, which a search must not show.
   */
  skippedHardLinks: number;
}

/** Files larger than this are skipped by both engines (generated bundles, logs, data). */
export const GREP_MAX_FILE_BYTES = 10 * 1024 * 1024;

export function shortenLine(text: string, maxChars: number): string {
  const line = text.replace(/\r?\n$/, '').replace(/\r$/, '');
  return line.length > maxChars ? `${line.slice(0, maxChars)} [...]` : line;
}

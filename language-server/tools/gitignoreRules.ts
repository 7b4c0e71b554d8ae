import * as path from 'node:path';
import { readSmallFile } from '../workspace/readSmallFile';
import { compileGlob, type CompiledGlob } from './globPattern';

/**
 * The most patterns in effect at once for one directory, across its
 * `.git/info/exclude` and every .gitignore on its way down. Every path the
 * walk meets is tried against each of them on the language server's thread:
 * a repository whose .gitignore held a megabyte of wildcard patterns (80,000)
 * took about 0.2 s per path, so indexing a folder of 150 files held every
 * request (chat, completions) for half a minute. Hand-written ignore files
 * hold a few hundred patterns; the ones past this bound are not applied, the
 * earliest kept, so the user's own exclude file (read first) always holds.
 */
export const MAX_IGNORE_RULES = 5_000;

interface RuleSet {
  /** Directory of the .gitignore, relative to the workspace folder ('' for the root). */
  readonly base: string;
  readonly rules: readonly CompiledGlob[];
}

/**
 * The .gitignore rules in effect for one directory of a walk: the folder's
 * `.git/info/exclude`, then every `.gitignore` from the folder down to this
 * directory. Deeper files and later lines win, and a `!pattern` re-includes,
 * as in Git. Rules apply whether or not the folder is a Git repository, which
 * is what VS Code's search does (and ripgrep with `--no-require-git`).
 */
export class GitignoreRules {
  private constructor(
    private readonly rootPath: string,
    private readonly sets: readonly RuleSet[],
  ) {}

  /** Patterns in effect here, of every set (at most MAX_IGNORE_RULES). */
  private get ruleCount(): number {
    return this.sets.reduce((n, set) => n + set.rules.length, 0);
  }

  /**
   * Rules for the workspace folder itself. `readFrom` is the path through
   * which the folder's files are read (a pinned folder's path, see
   * pinnedFiles.ts); by default the folder's own path.
   */
  static async forRoot(rootPath: string, readFrom = rootPath): Promise<GitignoreRules> {
    const sets: RuleSet[] = [];
    const exclude = await readRules(path.join(readFrom, '.git', 'info', 'exclude'), '', MAX_IGNORE_RULES);
    if (exclude) sets.push(exclude);
    const root = await readRules(path.join(readFrom, '.gitignore'), '', MAX_IGNORE_RULES - (exclude?.rules.length ?? 0));
    if (root) sets.push(root);
    return new GitignoreRules(rootPath, sets);
  }

  /** Rules for `dir` (relative to the folder, `/`-separated), loading every .gitignore on the way down. */
  static async forDirectory(rootPath: string, dir: string): Promise<GitignoreRules> {
    let rules = await GitignoreRules.forRoot(rootPath);
    if (dir === '') return rules;
    const parts = dir.split('/');
    for (let i = 1; i <= parts.length; i++) rules = await rules.enter(parts.slice(0, i).join('/'));
    return rules;
  }

  /**
   * The rules inside the subdirectory `dir` (relative to the folder), adding
   * its own .gitignore, read through `readFrom` (the pinned subdirectory's
   * path) when given.
   */
  async enter(dir: string, readFrom = path.join(this.rootPath, dir)): Promise<GitignoreRules> {
    const room = MAX_IGNORE_RULES - this.ruleCount;
    if (room <= 0) return this;
    const own = await readRules(path.join(readFrom, '.gitignore'), dir, room);
    return own ? new GitignoreRules(this.rootPath, [...this.sets, own]) : this;
  }

  /** Whether `relativePath` (from the folder) is ignored. */
  isIgnored(relativePath: string, isDir: boolean): boolean {
    let ignored = false;
    for (const set of this.sets) {
      let rel: string;
      if (set.base === '') rel = relativePath;
      else if (relativePath.startsWith(set.base + '/')) rel = relativePath.slice(set.base.length + 1);
      else continue;
      for (const rule of set.rules) {
        if (rule.matches(rel, isDir)) ignored = !rule.negated;
      }
    }
    return ignored;
  }
}

/** The first `room` patterns of one ignore file, or null when it has none or cannot be read. */
async function readRules(file: string, base: string, room: number): Promise<RuleSet | null> {
  if (room <= 0) return null;
  let text: string;
  try {
    // Not through a symlink, not blocking on a FIFO; anything but a regular file of at most 1 MiB is ignored.
    text = await readSmallFile(file, { maxBytes: 1024 * 1024, followLinks: false });
  } catch {
    return null;
  }
  const rules: CompiledGlob[] = [];
  for (const raw of text.split(/\r?\n/)) {
    if (rules.length >= room) break;
    // Trailing spaces are dropped unless escaped; comments start with '#'.
    const line = withoutTrailingSpaces(raw);
    if (line === '' || line.startsWith('#')) continue;
    try {
      rules.push(compileGlob(line, { braces: false }));
    } catch {
      // A line Git would also fail to use is skipped rather than breaking the search.
    }
  }
  return rules.length > 0 ? { base, rules } : null;
}

/**
 * The line without its trailing whitespace, keeping the one after a
 * backslash (Git's `\ `). A loop rather than `/(?<!\\)\s+$/`, which
 * backtracks quadratically over a long run of spaces followed by anything
 * else: 100,000 spaces and an "x" took 5.6 s, and a repository's .gitignore
 * of one 1 MiB line would hold the language server's thread for minutes.
 */
function withoutTrailingSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && /\s/.test(line[end - 1])) end--;
  // An escaped space keeps itself: "a\  " stays "a\ ".
  if (end > 0 && end < line.length && line[end - 1] === '\\') end++;
  return line.slice(0, end);
}

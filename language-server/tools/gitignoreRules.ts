import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { compileGlob, type CompiledGlob } from './globPattern';

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

  /** Rules for the workspace folder itself. */
  static async forRoot(rootPath: string): Promise<GitignoreRules> {
    const sets: RuleSet[] = [];
    const exclude = await readRules(path.join(rootPath, '.git', 'info', 'exclude'), '');
    if (exclude) sets.push(exclude);
    const root = await readRules(path.join(rootPath, '.gitignore'), '');
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

  /** The rules inside the subdirectory `dir` (relative to the folder), adding its own .gitignore. */
  async enter(dir: string): Promise<GitignoreRules> {
    const own = await readRules(path.join(this.rootPath, dir, '.gitignore'), dir);
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

async function readRules(file: string, base: string): Promise<RuleSet | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return null;
  }
  const rules: CompiledGlob[] = [];
  for (const raw of text.split(/\r?\n/)) {
    // Trailing spaces are dropped unless escaped; comments start with '#'.
    const line = raw.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    try {
      rules.push(compileGlob(line, { braces: false }));
    } catch {
      // A line Git would also fail to use is skipped rather than breaking the search.
    }
  }
  return rules.length > 0 ? { base, rules } : null;
}

import * as path from 'node:path';
import { resolveGitDirs } from '../tools/gitDirs';
import { isSameOrInside, looksLikeGitDir } from '../tools/protectedPaths';

/**
 * Tells, for paths the checkpoint walk reaches under one workspace folder,
 * which lie in a git directory that is not called `.git` (the walk skips that
 * one by name): the folder `.git` names with `gitdir:` (`git init
 * --separate-git-dir`, a bare repository with worktrees beside it) and any
 * folder git accepts as a repository (HEAD, objects/, refs/), such as a bare
 * `remote.git/`. Git writes those files on its own (every commit, fetch and
 * gc), so a checkpoint must never hold them: a restore would put back old refs
 * and delete every object made since, losing the user's commits, and would
 * write hooks and config, which run code. The same test the file tools make
 * (`protectedLocationReason`), remembered per folder for one checkpoint.
 */
export class GitInternals {
  private gitDirs: Promise<string[]> | undefined;
  private readonly dirs = new Map<string, Promise<boolean>>();
  /** A false positive only leaves a file out of the checkpoints, so case is folded wherever it may be. */
  private readonly caseInsensitive = process.platform !== 'linux';

  /** `root`: the workspace folder's real path, as the walk's paths are relative to it. */
  constructor(private readonly root: string) {}

  /** Whether `rel` (`/`-separated, relative to the folder) is inside one of its git directories. */
  async contains(rel: string): Promise<boolean> {
    const target = path.join(this.root, ...rel.split('/'));
    this.gitDirs ??= resolveGitDirs(this.root);
    if ((await this.gitDirs).some((dir) => isSameOrInside(dir, target, this.caseInsensitive))) return true;
    for (let dir = path.posix.dirname(rel); ; dir = path.posix.dirname(dir)) {
      if (await this.isGitDir(dir === '.' ? '' : dir)) return true;
      if (dir === '.') return false;
    }
  }

  private isGitDir(rel: string): Promise<boolean> {
    let known = this.dirs.get(rel);
    if (!known) {
      known = looksLikeGitDir(path.join(this.root, ...rel.split('/').filter((p) => p !== '')));
      this.dirs.set(rel, known);
    }
    return known;
  }
}

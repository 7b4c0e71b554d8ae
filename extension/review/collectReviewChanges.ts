import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ReviewFileChange } from '../../protocol/lspMethods';
import { GIT_STATUS_DELETED, GIT_STATUS_UNTRACKED, type GitRepository } from '../git/gitApi';
import { mentionReadRefusal } from '../mentions/mentionReadRule';

/** Changed files asked of git one by one at most; past this the rest are named as left out (the review could not hold them anyway). */
export const MAX_REVIEW_FILES = 60;

export interface ReviewChanges {
  changes: ReviewFileChange[];
  withheld: { path: string; reason: string }[];
}

/**
 * What Review Uncommitted Changes sends for one repository: every file with
 * staged or unstaged changes as `git diff HEAD -- <file>` (so its line
 * numbers are the file's on disk), and every untracked file whole. Deleted
 * files have nothing left to comment on. A file the `@file` read rules
 * refuse (a symlink out of the workspace, a second hard link) is named,
 * never read. Git runs through VS Code's Git extension, as for `@changes`.
 */
export async function collectReviewChanges(repo: GitRepository, folders: readonly string[]): Promise<ReviewChanges> {
  const root = repo.rootUri.fsPath;
  const untracked = new Map<string, boolean>();
  const all = [...repo.state.indexChanges, ...repo.state.workingTreeChanges, ...(repo.state.untrackedChanges ?? [])];
  for (const change of all) {
    const file = change.uri.fsPath;
    if (GIT_STATUS_DELETED.includes(change.status)) continue;
    // A file counts as untracked only when git knows nothing else about it.
    untracked.set(file, (untracked.get(file) ?? true) && change.status === GIT_STATUS_UNTRACKED);
  }
  const changes: ReviewFileChange[] = [];
  const withheld: ReviewChanges['withheld'] = [];
  const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');
  const files = [...untracked.keys()].sort();
  for (const file of files.slice(0, MAX_REVIEW_FILES)) {
    const refusal = await mentionReadRefusal(file, folders);
    if (refusal) {
      withheld.push({ path: relative(file), reason: refusal });
      continue;
    }
    const uri = vscode.Uri.file(file).toString();
    if (untracked.get(file)) {
      changes.push({ uri });
      continue;
    }
    // A repository without a commit yet has no HEAD: all of the file is new.
    const diff = await repo.diffWith('HEAD', file).catch(() => undefined);
    changes.push(diff === undefined ? { uri } : { uri, diff });
  }
  for (const file of files.slice(MAX_REVIEW_FILES)) withheld.push({ path: relative(file), reason: `more than ${MAX_REVIEW_FILES} files changed` });
  return { changes, withheld };
}

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ReviewFileChange } from '../../protocol/lspMethods';
import { reviewedFileSizeRefusal } from '../../protocol/reviewLimits';
import { GIT_STATUS_DELETED, GIT_STATUS_UNTRACKED, type GitRepository } from '../git/gitApi';
import { mentionReadRefusal } from '../mentions/mentionReadRule';
import { SECRETS_FILE_REASON, SECRETS_UNCHECKED_REASON, type SecretsFiles } from '../mentions/withholdRefusedDiffs';
import { stagedDiffOnDisk } from './stagedDiffOnDisk';

/** Changed files asked of git one by one at most; past this the rest are named as left out (the review could not hold them anyway). */
export const MAX_REVIEW_FILES = 60;

export interface ReviewChanges {
  changes: ReviewFileChange[];
  withheld: { path: string; reason: string }[];
}

/** Which changes a review takes: everything not committed yet, or only what is staged for the next commit. */
export type ReviewScope = 'uncommitted' | 'staged';

/**
 * What a review of a repository's changes sends. Uncommitted: every file
 * with staged or unstaged changes as `git diff HEAD -- <file>` (so its line
 * numbers are the file's on disk), and every untracked file whole. Staged:
 * each staged file's `git diff --cached`, renumbered through its unstaged
 * changes to the lines on disk (stagedDiffOnDisk.ts), since the comments go
 * on the file in the editor. Deleted files have nothing left to comment on.
 * A file the `@file` read rules refuse (a symlink out of the workspace, a
 * second hard link) is named, never read, and so is a secrets file the
 * user's patterns name (`secretsFiles`, the language server's one matcher):
 * a changed tracked `.env` or an untracked key would otherwise go to the
 * model whole, and to the team server in team mode; when they cannot be
 * checked, no file is read. The repository is the Git extension's, its
 * diffs read as plain patches (git/plainDiffs.ts), as for `@changes`.
 */
export async function collectReviewChanges(repo: GitRepository, folders: readonly string[], scope: ReviewScope, secretsFiles: SecretsFiles): Promise<ReviewChanges> {
  const root = repo.rootUri.fsPath;
  const untracked = new Map<string, boolean>();
  const unstaged = new Set(repo.state.workingTreeChanges.map((c) => c.uri.fsPath));
  const deletedOnDisk = new Set(repo.state.workingTreeChanges.filter((c) => GIT_STATUS_DELETED.includes(c.status)).map((c) => c.uri.fsPath));
  const all = scope === 'staged' ? repo.state.indexChanges : [...repo.state.indexChanges, ...repo.state.workingTreeChanges, ...(repo.state.untrackedChanges ?? [])];
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
  const taken = files.slice(0, MAX_REVIEW_FILES);
  const secret = await secretsFiles(taken).then(
    (answers) => (answers.length === taken.length ? answers : undefined),
    () => undefined,
  );
  for (const [i, file] of taken.entries()) {
    if (scope === 'staged' && deletedOnDisk.has(file)) {
      withheld.push({ path: relative(file), reason: 'it was deleted after it was staged' });
      continue;
    }
    const refusal = !secret ? SECRETS_UNCHECKED_REASON : secret[i] ? SECRETS_FILE_REASON : ((await mentionReadRefusal(file, folders)) ?? (await sizeRefusal(file)));
    if (refusal) {
      withheld.push({ path: relative(file), reason: refusal });
      continue;
    }
    const uri = vscode.Uri.file(file).toString();
    if (scope === 'staged') {
      const staged = await stagedChange(repo, file, unstaged.has(file));
      if ('reason' in staged) withheld.push({ path: relative(file), reason: staged.reason });
      else changes.push({ uri, diff: staged.diff });
      continue;
    }
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

/**
 * Why a file is too large for the review to read (the language server's
 * limit, protocol/reviewLimits.ts), checked before git is asked for its diff:
 * the diff of a file of many megabytes would be read whole and sent, only to
 * be left out. A file that cannot be looked at here is left to the language
 * server, which reads it and says why not.
 */
async function sizeRefusal(file: string): Promise<string | undefined> {
  const stat = await fs.stat(file).catch(() => undefined);
  return stat ? reviewedFileSizeRefusal(stat.size) : undefined;
}

/** A staged file's diff numbered as on disk, or why it is not reviewed. */
async function stagedChange(repo: GitRepository, file: string, editedSince: boolean): Promise<{ diff: string } | { reason: string }> {
  const failed = (err: unknown) => ({ reason: `git could not show its changes (${err instanceof Error ? err.message.split('\n')[0] : String(err)})` });
  let staged: string;
  let unstaged = '';
  try {
    staged = await repo.diffIndexWithHEAD(file);
    if (editedSince) unstaged = await repo.diffWithHEAD(file);
  } catch (err) {
    return failed(err);
  }
  if (!editedSince) return { diff: staged };
  const onDisk = stagedDiffOnDisk(staged, unstaged);
  if (!/^\+/m.test(onDisk.diff) && onDisk.changedSince > 0) return { reason: 'every staged line was changed again after it was staged' };
  return { diff: onDisk.diff };
}

import * as path from 'node:path';
import * as vscode from 'vscode';
import { CHANGES_MENTION, type ContextItem } from '../../protocol/chat';
import { gitApi, GIT_STATUS_UNTRACKED, type GitApi, type GitRepository } from '../git/gitApi';
import { changesReport, splitDiff, type RepositoryChanges } from './changesReport';
import { isInside } from './mentionReadRule';
import { withholdRefusedDiffs, type SecretsFiles } from './withholdRefusedDiffs';

/** How long to wait for the git extension to find the workspace's repositories (it scans after it starts). */
const INITIALIZE_TIMEOUT_MS = 10_000;

function item(text: string): ContextItem {
  return { kind: 'mention', path: CHANGES_MENTION, text };
}

/** Resolves once the git extension has looked for repositories, or after the timeout (then what it has found is used). */
async function initialized(api: GitApi): Promise<void> {
  if (api.state === undefined || api.state === 'initialized' || !api.onDidChangeState) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, INITIALIZE_TIMEOUT_MS);
    const listener = api.onDidChangeState!((state) => state === 'initialized' && done());
    function done(): void {
      clearTimeout(timer);
      listener.dispose();
      resolve();
    }
  });
}

/** The workspace's repositories: those inside a workspace folder, or holding one (a folder opened below the repository root). */
function workspaceRepositories(api: GitApi, folders: readonly string[]): GitRepository[] {
  return api.repositories
    .filter((r) => folders.some((f) => isInside(f, r.rootUri.fsPath) || isInside(r.rootUri.fsPath, f)))
    .sort((a, b) => (a.rootUri.fsPath < b.rootUri.fsPath ? -1 : 1));
}

/** The repository as the user knows it: its workspace folder's name, with the path below it; a repository holding the folder by its own path. */
function repositoryName(root: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(root);
  if (!folder) return root.fsPath;
  const below = path.relative(folder.uri.fsPath, root.fsPath).split(path.sep).join('/');
  return below === '' ? folder.name : `${folder.name}/${below}`;
}

async function readRepository(repo: GitRepository, folders: readonly string[], secretsFiles: SecretsFiles): Promise<RepositoryChanges> {
  const root = repo.rootUri.fsPath;
  const branch = repo.state.HEAD?.name;
  const base = { name: repositoryName(repo.rootUri), ...(branch ? { branch } : {}) };
  try {
    const [staged, unstaged] = await Promise.all([repo.diff(true), repo.diff(false)]);
    const untrackedUris = [...(repo.state.untrackedChanges ?? []), ...repo.state.workingTreeChanges.filter((c) => c.status === GIT_STATUS_UNTRACKED)].map((c) => c.uri.fsPath);
    const untracked = [...new Set(untrackedUris.map((p) => path.relative(root, p).split(path.sep).join('/')))].sort();
    return {
      ...base,
      staged: await withholdRefusedDiffs(splitDiff(staged), root, folders, secretsFiles),
      unstaged: await withholdRefusedDiffs(splitDiff(unstaged), root, folders, secretsFiles),
      untracked,
    };
  } catch (err) {
    return { ...base, staged: [], unstaged: [], untracked: [], error: `git failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)})` };
  }
}

/**
 * What `@changes` attaches: the uncommitted changes of the workspace's git
 * repositories that VS Code's built-in Git extension opened, their diffs
 * read as plain patches with its git (git/plainDiffs.ts: no diff program
 * or colours from git config; git runs only where the extension does, and
 * not at all in Restricted Mode, where a repository's config must not run
 * programs). Files the `@file` rules refuse appear by name only, and so do
 * the user's secrets files (`secretsFiles`, asked of the language server).
 * Always returns an item with text that says what happened.
 */
export async function changesContext(secretsFiles: SecretsFiles): Promise<ContextItem> {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  if (folders.length === 0) return item('(No folder is open, so there are no git changes to attach.)');
  // A repository's own config can make git run programs (a diff driver, a textconv filter, core.fsmonitor); in a workspace the user has not trusted, git is not run at all.
  if (!vscode.workspace.isTrusted) return item('(Hearth attaches git changes only in a trusted workspace: a repository\'s git config can make git run programs. Trust the workspace to use @changes.)');
  const api = await gitApi('to attach changes with @changes');
  if (typeof api === 'string') return item(`(Hearth could not read the git changes: ${api})`);
  await initialized(api);
  const repositories = workspaceRepositories(api, folders);
  if (repositories.length === 0) return item('(No git repository was found in this workspace, so there are no uncommitted changes to attach. If git is not installed, VS Code\'s Source Control view says so.)');
  const changes = [];
  for (const repo of repositories) changes.push(await readRepository(repo, folders, secretsFiles));
  return item(changesReport(changes));
}

import * as vscode from 'vscode';
import { withPlainDiffs } from './plainDiffs';

/** A changed file as the built-in git extension's API reports it. */
export interface GitChange {
  readonly uri: vscode.Uri;
  /** The git extension's `Status`; 7 is UNTRACKED. */
  readonly status: number;
}

/** The `Status` of an untracked file in the git extension's API. */
export const GIT_STATUS_UNTRACKED = 7;
/** The `Status` of a file deleted in the index (2) or in the working tree (6). */
export const GIT_STATUS_DELETED: readonly number[] = [2, 6];

/** The part of the built-in git extension's API (`vscode.git`, version 1) that Hearth uses. */
export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly inputBox: { value: string };
  readonly state: {
    readonly HEAD?: { readonly name?: string };
    readonly indexChanges: readonly GitChange[];
    readonly workingTreeChanges: readonly GitChange[];
    /** Untracked files when `git.untrackedChanges` is "separate" (otherwise they are among `workingTreeChanges`); older versions lack it. */
    readonly untrackedChanges?: readonly GitChange[];
  };
  /** `git diff` (or `git diff --cached`) of the whole repository, as a patch. */
  diff(cached?: boolean): Promise<string>;
  /** `git diff <ref> -- <path>`: with "HEAD", the file's staged and unstaged changes together, its new side the file on disk. */
  diffWith(ref: string, path: string): Promise<string>;
  /** `git diff --cached -- <path>`: the file's staged changes (HEAD to the index). */
  diffIndexWithHEAD(path: string): Promise<string>;
  /** `git diff -- <path>`: despite the name, the working tree against the index (the unstaged changes; see the Git extension's git.ts). */
  diffWithHEAD(path: string): Promise<string>;
}

export interface GitApi {
  /** The git the extension runs. */
  readonly git: { readonly path: string };
  /** "initialized" once the extension has looked for the workspace's repositories. */
  readonly state?: 'uninitialized' | 'initialized';
  readonly onDidChangeState?: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
}

interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

/**
 * The git API, or a sentence saying why it is not available; `purpose` ends
 * the sentence about enabling git ("to generate commit messages"). Its
 * repositories read their diffs as plain patches (plainDiffs.ts), so a diff
 * program or colours in the user's or the repository's git config neither
 * run nor change what Hearth reads.
 */
export async function gitApi(purpose: string): Promise<GitApi | string> {
  const extension = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!extension) return 'The built-in Git extension is not installed.';
  let exports: GitExtension;
  try {
    exports = extension.isActive ? extension.exports : await extension.activate();
  } catch (err) {
    return `The built-in Git extension could not start (${err instanceof Error ? err.message : String(err)}).`;
  }
  if (!exports.enabled) return `Git is disabled (\`git.enabled\`). Enable it ${purpose}.`;
  const api = exports.getAPI(1);
  const plain = (repo: GitRepository) => withPlainDiffs(repo, api.git.path);
  return {
    git: api.git,
    get state() {
      return api.state;
    },
    onDidChangeState: api.onDidChangeState,
    get repositories() {
      return api.repositories.map(plain);
    },
    getRepository: (uri) => {
      const repo = api.getRepository(uri);
      return repo && plain(repo);
    },
  };
}

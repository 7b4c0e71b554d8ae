import * as vscode from 'vscode';
import { gitApi, type GitRepository } from '../git/gitApi';

/** What the repository is picked for, as the end of "Open a folder under Git to …". */
const PURPOSES = { commit: 'generate a commit message', review: 'review changes' } as const;

/**
 * What a Source Control menu hands its command: the source control (title
 * bar, with its root) or a resource group (Staged Changes, with its files).
 */
export interface RepositoryHint {
  rootUri?: vscode.Uri;
  resourceStates?: readonly { resourceUri: vscode.Uri }[];
}

/**
 * The repository a commit message (or a review) is for: the one whose
 * Source Control view the button was clicked in, else the active file's,
 * else the only one, else the user picks.
 */
export async function pickRepository(from?: RepositoryHint, purpose: keyof typeof PURPOSES = 'commit'): Promise<GitRepository | string> {
  const api = await gitApi(`to ${PURPOSES[purpose]}`);
  if (typeof api === 'string') return api;
  if (api.repositories.length === 0) return `No Git repository is open. Open a folder under Git to ${PURPOSES[purpose]}.`;
  const hinted = from?.rootUri ?? from?.resourceStates?.[0]?.resourceUri;
  const fromView = hinted && api.getRepository(hinted);
  if (fromView) return fromView;
  const active = vscode.window.activeTextEditor?.document.uri;
  const fromEditor = active && api.getRepository(active);
  if (fromEditor) return fromEditor;
  if (api.repositories.length === 1) return api.repositories[0];
  const picked = await vscode.window.showQuickPick(
    api.repositories.map((r) => ({ label: vscode.workspace.asRelativePath(r.rootUri), repository: r })),
    { placeHolder: purpose === 'commit' ? 'Generate a commit message for which repository?' : 'Review the changes of which repository?' },
  );
  return picked?.repository ?? 'No repository was chosen.';
}

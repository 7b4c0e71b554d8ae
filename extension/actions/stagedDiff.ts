import * as vscode from 'vscode';
import { gitApi, type GitRepository } from '../git/gitApi';

/**
 * The repository a commit message is for: the one whose Source Control view
 * the button was clicked in, else the active file's, else the only one, else
 * the user picks.
 */
export async function pickRepository(sourceControl?: { rootUri?: vscode.Uri }): Promise<GitRepository | string> {
  const api = await gitApi('to generate commit messages');
  if (typeof api === 'string') return api;
  if (api.repositories.length === 0) return 'No Git repository is open. Open a folder under Git to generate a commit message.';
  const fromView = sourceControl?.rootUri && api.getRepository(sourceControl.rootUri);
  if (fromView) return fromView;
  const active = vscode.window.activeTextEditor?.document.uri;
  const fromEditor = active && api.getRepository(active);
  if (fromEditor) return fromEditor;
  if (api.repositories.length === 1) return api.repositories[0];
  const picked = await vscode.window.showQuickPick(
    api.repositories.map((r) => ({ label: vscode.workspace.asRelativePath(r.rootUri), repository: r })),
    { placeHolder: 'Generate a commit message for which repository?' },
  );
  return picked?.repository ?? 'No repository was chosen.';
}

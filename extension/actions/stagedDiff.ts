import * as vscode from 'vscode';

/** The part of the built-in git extension's API (`vscode.git`, version 1) that Hearth uses. */
export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly inputBox: { value: string };
  readonly state: { readonly indexChanges: readonly unknown[]; readonly workingTreeChanges: readonly unknown[] };
  diff(cached?: boolean): Promise<string>;
}

interface GitApi {
  readonly repositories: GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
}

interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

/** The git API, or a sentence saying why it is not available. */
async function gitApi(): Promise<GitApi | string> {
  const extension = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!extension) return 'The built-in Git extension is not installed.';
  const exports = extension.isActive ? extension.exports : await extension.activate();
  if (!exports.enabled) return 'Git is disabled (`git.enabled`). Enable it to generate commit messages.';
  return exports.getAPI(1);
}

/**
 * The repository a commit message is for: the one whose Source Control view
 * the button was clicked in, else the active file's, else the only one, else
 * the user picks.
 */
export async function pickRepository(sourceControl?: { rootUri?: vscode.Uri }): Promise<GitRepository | string> {
  const api = await gitApi();
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

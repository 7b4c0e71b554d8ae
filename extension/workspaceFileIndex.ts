import * as vscode from 'vscode';
import { rankMentionPaths, withFolders } from './mentions/rankMentionPaths';

const MAX_FILES = 20_000;
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**}';

/**
 * Workspace-relative file names, and the folders holding them (with a
 * trailing `/`, for `@folder/` mentions), for `@` completion. The list is read once and
 * kept fresh by a file watcher, so each keystroke filters memory instead of
 * searching the disk.
 */
export class WorkspaceFileIndex implements vscode.Disposable {
  private files: Thenable<string[]> | undefined;
  /** Created on the first `@` search, so activation does not pay for watching the workspace. */
  private watcher: vscode.FileSystemWatcher | undefined;

  dispose(): void {
    this.watcher?.dispose();
  }

  async search(query: string, limit = 30): Promise<string[]> {
    if (!this.watcher) {
      this.watcher = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
      this.watcher.onDidCreate(() => (this.files = undefined));
      this.watcher.onDidDelete(() => (this.files = undefined));
    }
    const pending = (this.files ??= vscode.workspace.findFiles('**/*', EXCLUDE, MAX_FILES).then((uris) => withFolders(uris.map((u) => vscode.workspace.asRelativePath(u)))));
    return rankMentionPaths(await pending, query, limit);
  }
}

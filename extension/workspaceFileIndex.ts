import * as vscode from 'vscode';

const MAX_FILES = 20_000;
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**}';

/**
 * Workspace-relative file names for `@` completion. The list is read once and
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
    const pending = (this.files ??= vscode.workspace.findFiles('**/*', EXCLUDE, MAX_FILES).then((uris) => uris.map((u) => vscode.workspace.asRelativePath(u)).sort()));
    const files = await pending;
    const q = query.toLowerCase();
    if (!q) return files.slice(0, limit);
    const scored: { path: string; score: number }[] = [];
    for (const path of files) {
      const score = matchScore(path.toLowerCase(), q);
      if (score > 0) scored.push({ path, score });
    }
    scored.sort((a, b) => b.score - a.score || a.path.length - b.path.length);
    return scored.slice(0, limit).map((s) => s.path);
  }
}

/** Prefers matches in the file name, then substrings, then characters in order. */
function matchScore(path: string, q: string): number {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name.startsWith(q)) return 4;
  if (name.includes(q)) return 3;
  if (path.includes(q)) return 2;
  let i = 0;
  for (const ch of path) if (ch === q[i]) i++;
  return i === q.length ? 1 : 0;
}

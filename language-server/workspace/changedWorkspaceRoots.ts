import { fileURLToPath } from 'node:url';
import type { WorkspaceFoldersChangeEvent } from 'vscode-languageserver/node';

function filePaths(folders: readonly { uri: string }[]): string[] {
  return folders.filter((f) => f.uri.startsWith('file:')).map((f) => fileURLToPath(f.uri));
}

/**
 * The workspace folders after the editor reported a change
 * (`workspace/didChangeWorkspaceFolders`): the removed ones gone, the added
 * ones last, in the order the editor gave them. Folders that are not on disk
 * (other URI schemes) are left out, as at start (see workspaceRoots).
 */
export function changedWorkspaceRoots(current: readonly string[], event: WorkspaceFoldersChangeEvent): string[] {
  const removed = new Set(filePaths(event.removed));
  const next = current.filter((root) => !removed.has(root));
  for (const root of filePaths(event.added)) if (!next.includes(root)) next.push(root);
  return next;
}

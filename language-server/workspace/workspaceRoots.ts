import { fileURLToPath } from 'node:url';
import type { InitializeParams } from 'vscode-languageserver/node';

/** The file-system paths of the workspace folders the client opened. */
export function workspaceRoots(params: Pick<InitializeParams, 'workspaceFolders' | 'rootUri'>): string[] {
  const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  const roots: string[] = [];
  for (const uri of uris) {
    if (uri.startsWith('file:')) roots.push(fileURLToPath(uri));
  }
  return roots;
}

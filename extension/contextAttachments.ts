import * as vscode from 'vscode';
import type { ContextItem } from '../protocol/chat';

const MAX_FILE_CHARS = 200_000;

/** The editor's selection as a context chip, or undefined when nothing is selected. */
export function selectionContext(editor: vscode.TextEditor | undefined): ContextItem | undefined {
  if (!editor || editor.selection.isEmpty) return undefined;
  const { start, end } = editor.selection;
  return {
    kind: 'selection',
    path: vscode.workspace.asRelativePath(editor.document.uri),
    text: editor.document.getText(editor.selection),
    range: { startLine: start.line + 1, endLine: end.character === 0 && end.line > start.line ? end.line : end.line + 1 },
    languageId: editor.document.languageId,
  };
}

/** The whole active file (as the editor has it, unsaved edits included). */
export function activeFileContext(editor: vscode.TextEditor | undefined): ContextItem | undefined {
  if (!editor) return undefined;
  let text = editor.document.getText();
  if (text.length > MAX_FILE_CHARS) text = `${text.slice(0, MAX_FILE_CHARS)}\n… (truncated)`;
  return { kind: 'file', path: vscode.workspace.asRelativePath(editor.document.uri), text, languageId: editor.document.languageId };
}

/**
 * Files and folders picked in the explorer as `@` mentions (a folder's path
 * ends with `/`), named as the `@` list names them; anything outside the
 * workspace folders or not on disk is left out.
 */
export async function explorerMentions(uris: readonly vscode.Uri[]): Promise<ContextItem[]> {
  const items: ContextItem[] = [];
  for (const uri of uris) {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (uri.scheme !== 'file' || !folder) continue;
    const stat = await vscode.workspace.fs.stat(uri).then(
      (s) => s,
      () => undefined,
    );
    if (!stat) continue;
    const isFolder = (stat.type & vscode.FileType.Directory) !== 0;
    let relative = vscode.workspace.asRelativePath(uri);
    // The workspace folder itself: asRelativePath gives it back whole.
    if (uri.fsPath === folder.uri.fsPath) relative = (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? folder.name : '.';
    items.push({ kind: 'mention', path: isFolder ? `${relative}/` : relative });
  }
  return items;
}

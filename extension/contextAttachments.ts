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

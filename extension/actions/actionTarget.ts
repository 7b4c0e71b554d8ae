import * as vscode from 'vscode';
import type { ContextItem } from '../../protocol/chat';

const BLOCK_SYMBOLS = new Set([
  vscode.SymbolKind.Function,
  vscode.SymbolKind.Method,
  vscode.SymbolKind.Constructor,
  vscode.SymbolKind.Class,
  vscode.SymbolKind.Interface,
  vscode.SymbolKind.Enum,
  vscode.SymbolKind.Struct,
  vscode.SymbolKind.Module,
]);

/** `range` widened to whole lines, so a rewrite never splits a line. */
export function fullLines(document: vscode.TextDocument, range: vscode.Range): vscode.Range {
  // A selection ending at column 0 of a line does not include that line.
  const endLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
  const end = endLine + 1 < document.lineCount ? new vscode.Position(endLine + 1, 0) : document.lineAt(endLine).range.end;
  return new vscode.Range(new vscode.Position(range.start.line, 0), end);
}

function innermostSymbol(symbols: vscode.DocumentSymbol[], position: vscode.Position): vscode.DocumentSymbol | undefined {
  for (const symbol of symbols) {
    if (!symbol.range.contains(position)) continue;
    const inner = innermostSymbol(symbol.children ?? [], position);
    if (inner) return inner;
    if (BLOCK_SYMBOLS.has(symbol.kind)) return symbol;
  }
  return undefined;
}

/**
 * The code an action works on: the selection, else the function or class
 * around the cursor (from the language's symbol provider), else the cursor's line.
 */
export async function actionTarget(editor: vscode.TextEditor): Promise<vscode.Range> {
  const { document, selection } = editor;
  if (!selection.isEmpty) return fullLines(document, selection);
  try {
    const symbols = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined>('vscode.executeDocumentSymbolProvider', document.uri);
    const tree = (symbols ?? []).filter((s): s is vscode.DocumentSymbol => 'children' in s);
    const symbol = innermostSymbol(tree, selection.active);
    if (symbol) return fullLines(document, symbol.range);
  } catch {
    // No symbol provider for this language: fall back to the line.
  }
  return fullLines(document, new vscode.Range(selection.active, selection.active));
}

/** A chat context chip for a range of a document. */
export function rangeContext(document: vscode.TextDocument, range: vscode.Range): ContextItem {
  const endLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1;
  return {
    kind: 'selection',
    path: vscode.workspace.asRelativePath(document.uri),
    text: document.getText(range),
    range: { startLine: range.start.line + 1, endLine },
    languageId: document.languageId,
  };
}

import * as vscode from 'vscode';

/**
 * Where a proposed change (a diff, generated tests) opens: beside the file
 * the user has open, so both stay in view, or in the current editor group
 * when it holds nothing. Opening beside an empty group splits the editor area
 * and leaves half of it blank.
 */
export function reviewColumn(): vscode.ViewColumn {
  const active = vscode.window.tabGroups.activeTabGroup;
  return active.tabs.length === 0 ? active.viewColumn : vscode.ViewColumn.Beside;
}

/** Whether `tab` is a diff whose right side is `modified`. */
export function isDiffOf(tab: vscode.Tab, modified: vscode.Uri): boolean {
  return tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === modified.toString();
}

/**
 * Shows the diff of `left` and `right` in `column`, or where it already is:
 * shown again (Open diff), it comes up in place rather than as a second copy
 * in another group.
 */
export async function showReviewDiff(left: vscode.Uri, right: vscode.Uri, title: string, column: vscode.ViewColumn, preserveFocus: boolean): Promise<void> {
  const openIn = vscode.window.tabGroups.all.find((g) => g.tabs.some((t) => isDiffOf(t, right)))?.viewColumn;
  await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: false, preserveFocus, viewColumn: openIn ?? column });
}

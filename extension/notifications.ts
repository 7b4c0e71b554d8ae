import * as vscode from 'vscode';
import { inertText } from '../protocol/inertText';

type AnyShow = (message: string, ...rest: unknown[]) => Thenable<unknown>;

/**
 * VS Code's `show…Message` named by `pick`, read at each call (so a test's
 * stand-in is used), with the message made inert first; the buttons and
 * options pass through unchanged, and so do the overloads' types.
 */
function inert<T>(pick: () => T): T {
  return ((message: string, ...rest: unknown[]) => (pick() as unknown as AnyShow)(inertText(message), ...rest)) as unknown as T;
}

/**
 * The only way the extension shows a notification (a lint rule keeps it so):
 * VS Code's own, with the message made inert (see protocol/inertText.ts).
 */
export const showErrorMessage = inert(() => vscode.window.showErrorMessage);
export const showWarningMessage = inert(() => vscode.window.showWarningMessage);
export const showInformationMessage = inert(() => vscode.window.showInformationMessage);

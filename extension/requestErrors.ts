import * as vscode from 'vscode';
import type { HearthError } from '../protocol/chat';
import { isServerNotRunning, SERVER_NOT_RUNNING } from './restartLanguageServer';

/** The message of a failed language-server request: the HearthError it carries in `data` when it came from Hearth, else the error's own. */
export function requestErrorMessage(err: unknown): string {
  if (isServerNotRunning(err)) return SERVER_NOT_RUNNING;
  const data = (err as { data?: Partial<HearthError> })?.data;
  if (data?.message) return data.message;
  return err instanceof Error ? err.message : String(err);
}

/** Whether a request ended because the user cancelled it (the progress notification's Cancel), which needs no message. */
export function isCancelledRequest(err: unknown): boolean {
  return (err as { data?: Partial<HearthError> })?.data?.code === 'cancelled' || err instanceof vscode.CancellationError;
}
